import { Body, Controller, Get, Header, HttpException, HttpStatus, Inject, Param, Put, Query, UseGuards } from '@nestjs/common';
import { InternalGuard } from '@tandem/platform';
import { LeaderboardService } from '../leaderboards/leaderboard.service';
import { ProfileService } from '../profiles/profile.service';
import { StatsError } from '../stats.errors';
import { STATS_STORE, StatsStore, canonicalJson } from '../store/stats-store.port';

const int = (value: string | undefined, fallback: number, min: number, max: number, name: string): number => {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new StatsError('INVALID_REQUEST', `${name} must be an integer from ${min} to ${max}`);
  return n;
};

/**
 * The stats service's reads and leaderboard definitions, for gateways (`/internal`, guarded by
 * INTERNAL_TOKEN). The gateway serves them to clients as `/api/v1/stats/...` with the caller's tenant.
 */
@Controller('internal/stats')
@UseGuards(InternalGuard)
export class StatsController {
  constructor(
    private readonly profiles: ProfileService,
    private readonly leaderboards: LeaderboardService,
    @Inject(STATS_STORE) private readonly store: StatsStore,
  ) {}

  /** Every projection as canonical JSON (what `stats:rebuild` compares). */
  @Get('export')
  @Header('content-type', 'application/json')
  async export(): Promise<string> {
    return canonicalJson(await this.store.exportAll());
  }

  @Get(':tenant/matches/:matchId')
  board(@Param('tenant') tenant: string, @Param('matchId') matchId: string) {
    return this.run(() => this.profiles.board(tenant, matchId));
  }

  @Get(':tenant/players/:playerId/profile')
  profile(@Param('tenant') tenant: string, @Param('playerId') playerId: string, @Query('form') form?: string) {
    return this.run(() => this.profiles.profile(tenant, playerId, int(form, 5, 1, 100, 'form')));
  }

  @Get(':tenant/players/:playerId/matches')
  history(@Param('tenant') tenant: string, @Param('playerId') playerId: string, @Query('offset') offset?: string, @Query('limit') limit?: string) {
    return this.run(() => this.profiles.history(tenant, playerId, int(offset, 0, 0, 1e9, 'offset'), int(limit, 20, 1, 200, 'limit')));
  }

  @Get(':tenant/leaderboards')
  definitions(@Param('tenant') tenant: string) {
    return this.run(async () => ({ leaderboards: await this.leaderboards.definitions(tenant) }));
  }

  @Put(':tenant/leaderboards/:boardId')
  define(@Param('tenant') tenant: string, @Param('boardId') boardId: string, @Body() body: unknown) {
    return this.run(() => this.leaderboards.define(tenant, boardId, body));
  }

  @Get(':tenant/leaderboards/:boardId')
  page(@Param('tenant') tenant: string, @Param('boardId') boardId: string, @Query('period') period?: string, @Query('offset') offset?: string, @Query('limit') limit?: string) {
    return this.run(() => this.leaderboards.page(tenant, boardId, period || undefined, int(offset, 0, 0, 1e9, 'offset'), int(limit, 10, 1, 200, 'limit')));
  }

  @Get(':tenant/leaderboards/:boardId/periods')
  periods(@Param('tenant') tenant: string, @Param('boardId') boardId: string) {
    return this.run(() => this.leaderboards.periods(tenant, boardId));
  }

  @Get(':tenant/leaderboards/:boardId/around/:playerId')
  around(@Param('tenant') tenant: string, @Param('boardId') boardId: string, @Param('playerId') playerId: string, @Query('period') period?: string, @Query('limit') limit?: string) {
    return this.run(() => this.leaderboards.around(tenant, boardId, playerId, period || undefined, int(limit, 11, 1, 200, 'limit')));
  }

  @Get(':tenant/leaderboards/:boardId/players/:playerId')
  rank(@Param('tenant') tenant: string, @Param('boardId') boardId: string, @Param('playerId') playerId: string, @Query('period') period?: string) {
    return this.run(() => this.leaderboards.rankOf(tenant, boardId, playerId, period || undefined));
  }

  private async run<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (!(error instanceof StatsError)) throw error;
      switch (error.code) {
        case 'NOT_FOUND':
          throw new HttpException({ code: error.code, message: error.message }, HttpStatus.NOT_FOUND);
        case 'INVALID_REQUEST':
          throw new HttpException({ code: error.code, message: error.message }, HttpStatus.BAD_REQUEST);
      }
    }
  }
}
