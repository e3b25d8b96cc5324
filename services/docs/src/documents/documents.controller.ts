import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { CommandId, DocKindSchema, Heads, Id } from '@tandem/contracts';
import { isDocumentError } from '@tandem/documents';
import { InternalGuard } from '@tandem/platform';
import { z } from 'zod';
import { DocumentsHistoryService } from './documents-history.service';
import { DocumentNotFoundError, DocumentsService } from './documents.service';

const SyncBody = z.object({ kind: DocKindSchema, heads: Heads, trigger: z.enum(['join', 'gap']).default('join') }).strict();
const ViewBody = z.object({ heads: Heads }).strict();
const DiffBody = z.object({ from: Heads, to: Heads }).strict();
const RestoreBody = z.object({ heads: Heads, userId: Id, commandId: CommandId }).strict();
const VersionsQuery = z.object({ gapMs: z.coerce.number().int().min(0).optional(), maxChanges: z.coerce.number().int().min(1).optional() });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new BadRequestException(z.prettifyError(result.error));
  return result.data;
}

function ids(tenant: string, docId: string): void {
  if (!Id.safeParse(tenant).success || !Id.safeParse(docId).success) throw new BadRequestException('tenant and docId must be ids ([A-Za-z0-9_.:-], 1-128 characters)');
}

/** Answers document errors with their HTTP meaning: unknown documents or versions 404, bad heads 400. */
async function answer<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (error instanceof DocumentNotFoundError || isDocumentError(error, 'not-found')) throw new NotFoundException((error as Error).message);
    if (isDocumentError(error)) throw new BadRequestException(error.message);
    throw error;
  }
}

/**
 * Sync and history reads for gateways (service-to-service, behind the INTERNAL_TOKEN). Change
 * bytes travel base64 in JSON here; the gateway hands them to sockets as binary.
 */
@Controller('internal/documents')
@UseGuards(InternalGuard)
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly history: DocumentsHistoryService,
  ) {}

  @Post(':tenant/:docId/sync')
  @HttpCode(200)
  async sync(@Param('tenant') tenant: string, @Param('docId') docId: string, @Body() body: unknown) {
    ids(tenant, docId);
    const { kind, heads, trigger } = parse(SyncBody, body);
    const state = await answer(() => this.documents.sync(tenant, docId, kind, heads, trigger));
    return { ...state, changes: Buffer.from(state.changes).toString('base64') };
  }

  @Get(':tenant/:docId/versions')
  async versions(@Param('tenant') tenant: string, @Param('docId') docId: string, @Query() query: unknown) {
    ids(tenant, docId);
    return { versions: await answer(() => this.history.versions(tenant, docId, parse(VersionsQuery, query))) };
  }

  @Post(':tenant/:docId/view')
  @HttpCode(200)
  async view(@Param('tenant') tenant: string, @Param('docId') docId: string, @Body() body: unknown) {
    ids(tenant, docId);
    const { heads } = parse(ViewBody, body);
    return { heads, doc: await answer(() => this.history.view(tenant, docId, heads)) };
  }

  @Post(':tenant/:docId/diff')
  @HttpCode(200)
  async diff(@Param('tenant') tenant: string, @Param('docId') docId: string, @Body() body: unknown) {
    ids(tenant, docId);
    const { from, to } = parse(DiffBody, body);
    return { diff: await answer(() => this.history.diff(tenant, docId, from, to)) };
  }

  @Post(':tenant/:docId/restore')
  @HttpCode(200)
  async restore(@Param('tenant') tenant: string, @Param('docId') docId: string, @Body() body: unknown) {
    ids(tenant, docId);
    const { heads, userId, commandId } = parse(RestoreBody, body);
    return answer(() => this.history.restore(tenant, docId, heads, userId, commandId));
  }
}
