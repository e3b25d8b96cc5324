import { BadRequestException, Controller, ForbiddenException, Get, HttpException, NotFoundException, Param, Query, Req, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ChatRequest } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { z } from 'zod';
import { HttpAuthGuard } from '../admin/http-auth.guard';
import type { ChatAnswer } from './chat-read.repository';
import { GatewayChatService } from './chat.service';

type Authed = { principal: Principal };
type Q = Record<string, string | undefined>;
type Read = Exclude<ChatRequest, { type: 'chat.subscribe' | 'chat.unsubscribe' }>;

/**
 * Chat reads over HTTP (`Authorization: Bearer <jwt>`): the same requests and answers as the
 * socket's `chat` messages, served by the chat service, which only answers for channels the caller
 * may read. Paging: `before`, `after` or `around` a seq; `since` for catch-up.
 */
@Controller('api/v1/chat')
@UseGuards(HttpAuthGuard)
export class ChatController {
  constructor(private readonly chat: GatewayChatService) {}

  @Get('channels')
  channels(@Req() req: Authed) {
    return this.read(req, { type: 'chat.channels' });
  }

  @Get('browse')
  browse(@Req() req: Authed, @Query() q: Q) {
    return this.read(req, { type: 'chat.browse', query: q.q ?? '', limit: q.limit });
  }

  @Get('unread')
  unread(@Req() req: Authed) {
    return this.read(req, { type: 'chat.unread' });
  }

  @Get('search')
  search(@Req() req: Authed, @Query() q: Q) {
    return this.read(req, { type: 'chat.search', query: q.q, channelId: q.channel ?? null, limit: q.limit });
  }

  @Get('channels/:channelId/messages')
  history(@Req() req: Authed, @Param('channelId') channelId: string, @Query() q: Q) {
    const [direction, seq] = q.before !== undefined ? ['before', q.before] : q.after !== undefined ? ['after', q.after] : q.around !== undefined ? ['around', q.around] : [null, null];
    return this.read(req, { type: 'chat.history', channelId, threadRootId: q.thread ?? null, anchor: direction ? { direction, seq } : null, limit: q.limit });
  }

  @Get('channels/:channelId/messages/:messageId')
  message(@Req() req: Authed, @Param('channelId') channelId: string, @Param('messageId') messageId: string) {
    return this.read(req, { type: 'chat.message', channelId, messageId });
  }

  @Get('channels/:channelId/changes')
  catchup(@Req() req: Authed, @Param('channelId') channelId: string, @Query() q: Q) {
    return this.read(req, { type: 'chat.catchup', channelId, sinceSeq: q.since ?? '0', limit: q.limit });
  }

  @Get('channels/:channelId/members')
  members(@Req() req: Authed, @Param('channelId') channelId: string) {
    return this.read(req, { type: 'chat.members', channelId });
  }

  @Get('channels/:channelId/pins')
  pins(@Req() req: Authed, @Param('channelId') channelId: string) {
    return this.read(req, { type: 'chat.pins', channelId });
  }

  private async read(req: Authed, raw: Record<string, unknown>) {
    const parsed = ChatRequest.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_REQUEST', message: z.prettifyError(parsed.error) });
    const answer: ChatAnswer<object> = await this.chat.read(req.principal, parsed.data as Read);
    if (answer.ok) {
      const { ok: _ok, ...body } = answer;
      return body;
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
        throw new HttpException(body, 422);
    }
  }
}
