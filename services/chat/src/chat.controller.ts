import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpCode, HttpException, NotFoundException, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ChatRequest, Id } from '@tandem/contracts';
import { InternalGuard } from '@tandem/platform';
import { z } from 'zod';
import { ChatError } from './chat.errors';
import { ChatQueriesService } from './reads/chat-queries.service';

const WorkspaceRole = z.enum(['admin', 'member', 'guest']);
const QueryBody = z.object({ userId: Id, workspaceRole: WorkspaceRole, request: ChatRequest }).strict();
const AccessQuery = z.object({ userId: Id, role: WorkspaceRole }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestException({ code: 'INVALID_MESSAGE', message: `invalid ${what}: ${z.prettifyError(parsed.error)}` });
  return parsed.data;
}

/** A refused read as the gateway expects it: the status, and `{ code, message }` as the body. */
function refused(error: unknown): never {
  if (!(error instanceof ChatError)) throw error;
  const body = { code: error.code, message: error.message };
  switch (error.code) {
    case 'FORBIDDEN':
      throw new ForbiddenException(body);
    case 'NOT_FOUND':
      throw new NotFoundException(body);
    case 'INVALID_MESSAGE':
      throw new BadRequestException(body);
    case 'LIMIT_EXCEEDED':
      throw new HttpException(body, 422);
  }
}

/**
 * The chat service's internal HTTP (gateway → chat, behind INTERNAL_TOKEN): reads answered with the
 * bodies of the socket's `chat` acknowledgements, and the membership check behind every command.
 */
@Controller('internal/chat/:tenant')
@UseGuards(InternalGuard)
export class ChatController {
  constructor(private readonly queries: ChatQueriesService) {}

  @Post('query')
  @HttpCode(200)
  async query(@Param('tenant') tenant: string, @Body() body: unknown) {
    const { userId, workspaceRole, request } = parse(QueryBody, body, 'chat request');
    if (request.type === 'chat.unsubscribe') return {};
    return this.queries.handle(parse(Id, tenant, 'tenant'), { userId, workspaceRole }, request).catch(refused);
  }

  @Get('channels/:channelId/access')
  access(@Param('tenant') tenant: string, @Param('channelId') channelId: string, @Query() query: unknown) {
    const { userId, role } = parse(AccessQuery, query, 'access query');
    return this.queries.access(parse(Id, tenant, 'tenant'), parse(Id, channelId, 'channel id'), { userId, workspaceRole: role });
  }
}
