import { BadRequestException, Body, Controller, ForbiddenException, Get, HttpException, Inject, Param, Post, Put, Query, Req, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ContractError, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Principal } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { HttpAuthGuard } from '../admin/http-auth.guard';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';
import { StatsReadRepository, StatsUnavailableError } from './stats-read.repository';

type Authed = { principal: Principal };
type Q = Record<string, string | undefined>;

const IngestBody = z
  .object({
    events: z
      .array(z.object({ id: z.string().min(1).max(128).optional(), type: z.string().min(1).max(128), data: z.record(z.string(), z.unknown()) }).strict())
      .min(1)
      .max(1000),
  })
  .strict();

const e = encodeURIComponent;
const query = (q: Q, names: string[]) => {
  const params = new URLSearchParams();
  for (const n of names) if (q[n] !== undefined) params.set(n, q[n]!);
  const s = params.toString();
  return s ? `?${s}` : '';
};

/**
 * Game statistics over HTTP (`Authorization: Bearer <jwt>`), served by the stats service for the
 * caller's tenant: match boards, player profiles and past performances, leaderboards. Defining a
 * leaderboard and ingesting events over HTTP need the `admin` or `stats-ingest` role (any signed-in
 * user in embedded mode); partners normally produce to `stats.ingest.v1` on Kafka instead.
 */
@Controller('api/v1/stats')
@UseGuards(HttpAuthGuard)
export class StatsHttpController {
  constructor(
    private readonly stats: StatsReadRepository,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  @Get('matches/:matchId')
  board(@Req() req: Authed, @Param('matchId') matchId: string) {
    return this.read(req, `matches/${e(matchId)}`);
  }

  @Get('players/:playerId/profile')
  profile(@Req() req: Authed, @Param('playerId') playerId: string, @Query() q: Q) {
    return this.read(req, `players/${e(playerId)}/profile${query(q, ['form'])}`);
  }

  @Get('players/:playerId/matches')
  history(@Req() req: Authed, @Param('playerId') playerId: string, @Query() q: Q) {
    return this.read(req, `players/${e(playerId)}/matches${query(q, ['offset', 'limit'])}`);
  }

  @Get('leaderboards')
  leaderboards(@Req() req: Authed) {
    return this.read(req, 'leaderboards');
  }

  @Get('leaderboards/:boardId')
  page(@Req() req: Authed, @Param('boardId') boardId: string, @Query() q: Q) {
    return this.read(req, `leaderboards/${e(boardId)}${query(q, ['period', 'offset', 'limit'])}`);
  }

  @Get('leaderboards/:boardId/periods')
  periods(@Req() req: Authed, @Param('boardId') boardId: string) {
    return this.read(req, `leaderboards/${e(boardId)}/periods`);
  }

  @Get('leaderboards/:boardId/around/:playerId')
  around(@Req() req: Authed, @Param('boardId') boardId: string, @Param('playerId') playerId: string, @Query() q: Q) {
    return this.read(req, `leaderboards/${e(boardId)}/around/${e(playerId)}${query(q, ['period', 'limit'])}`);
  }

  @Get('leaderboards/:boardId/players/:playerId')
  rank(@Req() req: Authed, @Param('boardId') boardId: string, @Param('playerId') playerId: string, @Query() q: Q) {
    return this.read(req, `leaderboards/${e(boardId)}/players/${e(playerId)}${query(q, ['period'])}`);
  }

  @Put('leaderboards/:boardId')
  define(@Req() req: Authed, @Param('boardId') boardId: string, @Body() body: unknown) {
    this.requireWriter(req.principal);
    return this.read(req, `leaderboards/${e(boardId)}`, { method: 'PUT', body: body ?? {} });
  }

  /**
   * Ingests match events for the caller's tenant (`{"events": [{"type", "data", "id"?}]}`): each is
   * published to `stats.ingest.v1` as a partner would, keyed by its match. All or nothing: one invalid
   * event refuses the request, naming the field.
   */
  @Post('ingest')
  async ingest(@Req() req: Authed, @Body() body: unknown) {
    this.requireWriter(req.principal);
    const parsed = IngestBody.safeParse(body);
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_REQUEST', message: `send {"events": [{"type": "tandem.stats.player.stats", "data": {...}}]}: ${z.prettifyError(parsed.error)}` });
    const tenant = req.principal.tenant;
    const records = parsed.data.events.map((given) => {
      const event = { id: given.id ?? randomUUID(), type: given.type, source: '/gateway/ingest', specversion: '1.0', time: new Date().toISOString(), tenant, data: given.data } as TopicEvent<typeof TOPICS.statsIngest>;
      return { key: aggregateKey(tenant, String(given.data.matchId ?? '')), event };
    });
    try {
      await this.bus.publish(TOPICS.statsIngest, records);
    } catch (error) {
      if (error instanceof ContractError) throw new BadRequestException({ code: error.code, message: error.message });
      throw new ServiceUnavailableException({ code: 'UNAVAILABLE', message: 'the events could not be stored; send them again' });
    }
    return { accepted: records.length, ids: records.map((r) => r.event.id) };
  }

  private requireWriter(principal: Principal): void {
    if (this.options.devSignIn || principal.roles.includes('admin') || principal.roles.includes('stats-ingest')) return;
    throw new ForbiddenException({ code: 'FORBIDDEN', message: 'this needs the admin or stats-ingest role in your token' });
  }

  private async read(req: Authed, path: string, init?: { method: 'PUT'; body: unknown }) {
    try {
      const answer = await this.stats.call(req.principal.tenant, path, init);
      if (answer.status >= 400) throw new HttpException(answer.body ?? { code: 'INVALID_REQUEST', message: `the stats service answered ${answer.status}` }, answer.status);
      return answer.body;
    } catch (error) {
      if (error instanceof StatsUnavailableError) throw new ServiceUnavailableException({ code: 'UNAVAILABLE', message: error.message });
      throw error;
    }
  }
}
