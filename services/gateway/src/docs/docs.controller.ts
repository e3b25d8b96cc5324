import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpCode, HttpException, NotFoundException, Param, Post, Query, Req, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { Ack, DocsRequest, DocsResponses } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HttpAuthGuard } from '../admin/http-auth.guard';
import { GatewayDocsService } from './docs.service';

type Authed = { principal: Principal };

/**
 * Document history over HTTP (`Authorization: Bearer <jwt>`): the same requests and answers as the
 * socket's `docs` messages. Heads are comma-separated hashes in query strings.
 */
@Controller('api/v1/docs')
@UseGuards(HttpAuthGuard)
export class DocsHttpController {
  constructor(private readonly docs: GatewayDocsService) {}

  @Get(':docId/versions')
  versions(@Req() req: Authed, @Param('docId') docId: string, @Query() q: Record<string, string | undefined>) {
    return this.run(req, { type: 'doc.versions', docId, ...(q.gapMs ? { gapMs: Number(q.gapMs) } : {}), ...(q.maxChanges ? { maxChanges: Number(q.maxChanges) } : {}) });
  }

  @Get(':docId/view')
  view(@Req() req: Authed, @Param('docId') docId: string, @Query('heads') heads = '') {
    return this.run(req, { type: 'doc.view', docId, heads: split(heads) });
  }

  @Get(':docId/diff')
  diff(@Req() req: Authed, @Param('docId') docId: string, @Query('from') from = '', @Query('to') to = '') {
    return this.run(req, { type: 'doc.diff', docId, from: split(from), to: split(to) });
  }

  @Post(':docId/restore')
  @HttpCode(200)
  restore(@Req() req: Authed, @Param('docId') docId: string, @Body() body: { heads?: unknown; commandId?: unknown }) {
    return this.run(req, { type: 'doc.restore', docId, heads: body?.heads, commandId: body?.commandId ?? randomUUID() });
  }

  private async run(req: Authed, raw: Record<string, unknown>) {
    const message = DocsRequest.safeParse(raw);
    if (!message.success) throw new BadRequestException({ code: 'INVALID_MESSAGE', message: z.prettifyError(message.error) });
    const answer: Ack<DocsResponses[keyof DocsResponses]> = await this.docs.request(this.docs.httpSession(req.principal), message.data);
    if (answer.ok) {
      const { ok: _ok, ...rest } = answer;
      return rest;
    }
    const body = { code: answer.error.code, message: answer.error.message };
    switch (answer.error.code) {
      case 'FORBIDDEN':
        throw new ForbiddenException(body);
      case 'NOT_FOUND':
        throw new NotFoundException(body);
      case 'UNAVAILABLE':
        throw new ServiceUnavailableException(body);
      case 'INVALID_MESSAGE':
        throw new BadRequestException(body);
      default:
        throw new HttpException(body, 500);
    }
  }
}

function split(heads: string): string[] {
  return heads.split(',').map((h) => h.trim()).filter(Boolean);
}
