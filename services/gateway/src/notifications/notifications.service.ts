import { Injectable } from '@nestjs/common';
import type { NotificationsRequest, NotificationsResponses } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { NotificationsAnswer, NotificationsReadRepository, NotificationsUnavailableError } from './notifications-read.repository';

/** The gateway's side of notifications: the caller's inbox requests, over the socket and HTTP alike. */
@Injectable()
export class GatewayNotificationsService {
  constructor(private readonly reads: NotificationsReadRepository) {}

  async request(principal: Principal, request: NotificationsRequest): Promise<NotificationsAnswer<NotificationsResponses[keyof NotificationsResponses]>> {
    return this.unavailableAsAnswer(() => this.reads.query(principal.tenant, principal.userId, request));
  }

  /** Only workspace admins set the tenant's webhook. */
  async setWebhook(principal: Principal, settings: { url: string; secret: string; enabled?: boolean } | null): Promise<NotificationsAnswer<object>> {
    if (!principal.roles.includes('admin')) return { ok: false, error: { code: 'FORBIDDEN', message: 'only workspace admins can set the notification webhook' } };
    return this.unavailableAsAnswer(() => this.reads.setWebhook(principal.tenant, settings));
  }

  private async unavailableAsAnswer<T>(fn: () => Promise<NotificationsAnswer<T>>): Promise<NotificationsAnswer<T>> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof NotificationsUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
  }
}
