import { Inject, Injectable } from '@nestjs/common';
import type { NotificationsRequest, NotificationsResponses, ProtocolError } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

export type NotificationsAnswer<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };

/**
 * The notifications service's internal HTTP (the gateway owns no inbox): every request is the
 * caller's own inbox, named by the authenticated user, never by the client.
 */
@Injectable()
export class NotificationsReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async query<R extends NotificationsRequest>(tenant: string, userId: string, request: R): Promise<NotificationsAnswer<NotificationsResponses[R['type']]>> {
    const res = await this.call('POST', `/internal/notifications/${encodeURIComponent(tenant)}/query`, { userId, request });
    const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
    if (res.ok) return { ok: true, ...(body as NotificationsResponses[R['type']]) };
    return this.refusal(res.status, body);
  }

  /** Sets or removes (`null`) the tenant's outgoing webhook. */
  async setWebhook(tenant: string, settings: { url: string; secret: string; enabled?: boolean } | null): Promise<NotificationsAnswer<object>> {
    const res = settings
      ? await this.call('PUT', `/internal/notifications/${encodeURIComponent(tenant)}/webhook`, settings)
      : await this.call('DELETE', `/internal/notifications/${encodeURIComponent(tenant)}/webhook`);
    if (res.ok) return { ok: true };
    return this.refusal(res.status, (await res.json().catch(() => ({}))) as Record<string, unknown>);
  }

  private refusal(status: number, body: Record<string, unknown>): { ok: false; error: ProtocolError } {
    if (status >= 500) return { ok: false, error: { code: 'UNAVAILABLE', message: `the notifications service answered ${status}; try again shortly` } };
    const message = typeof body.message === 'string' ? body.message : `the notifications service answered ${status}`;
    return { ok: false, error: { code: status === 404 ? 'NOT_FOUND' : 'INVALID_MESSAGE', message } };
  }

  private async call(method: string, path: string, body?: unknown): Promise<Response> {
    const base = this.options.notificationsUrl?.() ?? this.options.config.NOTIFICATIONS_URL;
    if (!base) throw new NotificationsUnavailableError('NOTIFICATIONS_URL is not set: point the gateway at the notifications service, e.g. http://notifications:3000');
    try {
      return await fetch(`${base}${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        headers: { ...internalHeaders(this.options.config), 'content-type': 'application/json' },
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new NotificationsUnavailableError(`the notifications service did not answer (${(error as Error).message}); try again shortly`);
    }
  }
}

export class NotificationsUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}
