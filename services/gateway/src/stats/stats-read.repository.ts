import { Inject, Injectable } from '@nestjs/common';
import type { MatchBoard } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

export class StatsUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

/** An answer of the stats service as it came: status and JSON body (passed on to HTTP clients). */
export interface StatsAnswer {
  status: number;
  body: unknown;
}

/** Reads and leaderboard definitions from the stats service over its internal HTTP (the gateway owns no stats state). */
@Injectable()
export class StatsReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  /** Calls `/internal/stats/<tenant>/<path>` (path already URL-encoded per segment). */
  async call(tenant: string, path: string, init: { method?: 'GET' | 'PUT'; body?: unknown } = {}): Promise<StatsAnswer> {
    const url = `${this.baseUrl()}/internal/stats/${encodeURIComponent(tenant)}/${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: init.method ?? 'GET',
        headers: { ...internalHeaders(this.options.config), ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new StatsUnavailableError(`the stats service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (res.status >= 500) throw new StatsUnavailableError(`the stats service answered ${res.status}; try again shortly`);
    return { status: res.status, body: await res.json().catch(() => null) };
  }

  /** The board of a match, or null if none of its events was ingested yet. */
  async board(tenant: string, matchId: string): Promise<MatchBoard | null> {
    const answer = await this.call(tenant, `matches/${encodeURIComponent(matchId)}`);
    if (answer.status === 404) return null;
    if (answer.status !== 200) throw new StatsUnavailableError(`the stats service answered ${answer.status} for match ${matchId}`);
    return answer.body as MatchBoard;
  }

  private baseUrl(): string {
    const url = this.options.statsUrl?.() ?? this.options.config.STATS_URL;
    if (!url) throw new StatsUnavailableError('STATS_URL is not set: point it at the stats service, e.g. http://stats:3000');
    return url;
  }
}
