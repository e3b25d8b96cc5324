import { Inject, Injectable } from '@nestjs/common';
import type { UserPresence } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { DocsUnavailableError } from '../docs/docs-read.repository';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** Reads current statuses from the presence service (for a client that starts following users). */
@Injectable()
export class PresenceReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async users(tenant: string, userIds: string[]): Promise<UserPresence[]> {
    const url = `${this.options.presenceUrl()}/internal/presence/${encodeURIComponent(tenant)}/users?ids=${userIds.map(encodeURIComponent).join(',')}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: internalHeaders(this.options.config), signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new DocsUnavailableError(`the presence service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (!res.ok) throw new DocsUnavailableError(`the presence service answered ${res.status}; try again shortly`);
    return ((await res.json()) as { users: UserPresence[] }).users;
  }
}
