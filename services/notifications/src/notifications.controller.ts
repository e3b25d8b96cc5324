import { BadRequestException, Body, Controller, Delete, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { Id, NotificationsRequest } from '@tandem/contracts';
import { InternalGuard } from '@tandem/platform';
import { z } from 'zod';
import { InboxService } from './inbox.service';

const Query = z.object({ userId: Id, request: NotificationsRequest }).strict();
const Webhook = z.object({ url: z.url().refine((u) => /^https?:\/\//.test(u), 'the webhook URL must be http(s)'), secret: z.string().min(16, 'the webhook secret must be at least 16 characters'), enabled: z.boolean().default(true) }).strict();

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new BadRequestException({ code: 'INVALID_MESSAGE', message: `invalid ${what}: ${z.prettifyError(parsed.error)}` });
  return parsed.data;
}

/**
 * The notifications service's internal HTTP (gateway → service, behind INTERNAL_TOKEN): a user's
 * inbox requests, answered with the same bodies as the socket's `notifications` acknowledgements,
 * and the tenant's webhook settings.
 */
@Controller('internal/notifications/:tenant')
@UseGuards(InternalGuard)
export class NotificationsController {
  constructor(private readonly inbox: InboxService) {}

  @Post('query')
  @HttpCode(200)
  query(@Param('tenant') tenant: string, @Body() body: unknown) {
    const { userId, request } = parse(Query, body, 'notifications request');
    return this.inbox.handle(parse(Id, tenant, 'tenant'), userId, request);
  }

  @Put('webhook')
  @HttpCode(204)
  async webhook(@Param('tenant') tenant: string, @Body() body: unknown) {
    await this.inbox.setWebhook(parse(Id, tenant, 'tenant'), parse(Webhook, body, 'webhook'));
  }

  @Delete('webhook')
  @HttpCode(204)
  async removeWebhook(@Param('tenant') tenant: string) {
    await this.inbox.setWebhook(parse(Id, tenant, 'tenant'), null);
  }
}
