import { BadRequestException, Body, Controller, Delete, ForbiddenException, Get, HttpCode, HttpException, NotFoundException, Param, Post, Put, Query, Req, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { NotificationsRequest } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { z } from 'zod';
import { HttpAuthGuard } from '../admin/http-auth.guard';
import type { NotificationsAnswer } from './notifications-read.repository';
import { GatewayNotificationsService } from './notifications.service';

type Authed = { principal: Principal };
type Q = Record<string, string | undefined>;
type Body_ = Record<string, unknown> | undefined;

/**
 * The caller's notifications over HTTP (`Authorization: Bearer <jwt>`): the same requests and
 * answers as the socket's `notifications` messages. `GET /` pages newest first (`before`, `limit`,
 * `unread=true`); `GET /since?seq=` catches up oldest first.
 */
@Controller('api/v1/notifications')
@UseGuards(HttpAuthGuard)
export class NotificationsController {
  constructor(private readonly notifications: GatewayNotificationsService) {}

  @Get()
  list(@Req() req: Authed, @Query() q: Q) {
    return this.send(req, { type: 'notifications.list', beforeSeq: q.before ?? null, limit: q.limit, unreadOnly: q.unread === 'true' });
  }

  @Get('since')
  since(@Req() req: Authed, @Query() q: Q) {
    return this.send(req, { type: 'notifications.since', sinceSeq: q.seq ?? '0', limit: q.limit });
  }

  @Get('unread')
  unread(@Req() req: Authed) {
    return this.send(req, { type: 'notifications.unread' });
  }

  @Post('read-all')
  @HttpCode(200)
  readAll(@Req() req: Authed) {
    return this.send(req, { type: 'notifications.read-all' });
  }

  @Post(':id/read')
  @HttpCode(200)
  read(@Req() req: Authed, @Param('id') id: string) {
    return this.send(req, { type: 'notifications.read', notificationId: id });
  }

  @Delete(':id')
  remove(@Req() req: Authed, @Param('id') id: string) {
    return this.send(req, { type: 'notifications.delete', notificationId: id });
  }

  @Get('preferences')
  preferences(@Req() req: Authed) {
    return this.send(req, { type: 'notifications.preferences' });
  }

  @Put('preferences')
  setPreferences(@Req() req: Authed, @Body() body: Body_) {
    return this.send(req, { ...(body ?? {}), type: 'notifications.preferences.set' });
  }

  @Post('mute')
  @HttpCode(200)
  mute(@Req() req: Authed, @Body() body: Body_) {
    return this.send(req, { ...(body ?? {}), type: 'notifications.mute' });
  }

  @Get('following')
  following(@Req() req: Authed) {
    return this.send(req, { type: 'notifications.following' });
  }

  @Post('follow')
  @HttpCode(200)
  follow(@Req() req: Authed, @Body() body: Body_) {
    return this.send(req, { ...(body ?? {}), type: 'notifications.follow' });
  }

  /** The tenant's outgoing webhook (admins): `{ url, secret, enabled? }`. */
  @Put('webhook')
  @HttpCode(204)
  async webhook(@Req() req: Authed, @Body() body: Body_) {
    const parsed = z.object({ url: z.string(), secret: z.string(), enabled: z.boolean().optional() }).strict().safeParse(body);
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_MESSAGE', message: z.prettifyError(parsed.error) });
    this.unwrap(await this.notifications.setWebhook(req.principal, parsed.data));
  }

  @Delete('webhook')
  @HttpCode(204)
  async removeWebhook(@Req() req: Authed) {
    this.unwrap(await this.notifications.setWebhook(req.principal, null));
  }

  private async send(req: Authed, raw: Record<string, unknown>) {
    const parsed = NotificationsRequest.safeParse(Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined)));
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_MESSAGE', message: z.prettifyError(parsed.error) });
    return this.unwrap(await this.notifications.request(req.principal, parsed.data));
  }

  private unwrap(answer: NotificationsAnswer<object>): object {
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
