import type { JoinAck, MatchBoard, ServerEvent } from '@tandem/contracts';

type Watched = { kind: 'match' | 'leaderboard'; id: string };
type Join = (resource: Watched) => Promise<JoinAck>;
type Leave = (resource: Watched) => void;
type Http = (method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown) => Promise<unknown>;
type StatsEvent = Extract<ServerEvent, { type: 'stats.board' | 'stats.record' | 'stats.rank' }>;

/** A personal best beaten in a watched match. */
export type RecordBroken = Omit<Extract<ServerEvent, { type: 'stats.record' }>, 'type'>;

/** A player's rank on a watched leaderboard's period moved. */
export type RankChanged = Omit<Extract<ServerEvent, { type: 'stats.rank' }>, 'type'>;

/** One ranked player of a leaderboard (rank 1 is the best; ties are ordered by player id). */
export interface LeaderboardEntry {
  rank: number;
  playerId: string;
  score: number;
}

/** A page of a leaderboard period; `prevOffset`/`nextOffset` page backward and forward (null at the ends). */
export interface LeaderboardPage {
  boardId: string;
  period: string;
  total: number;
  offset: number;
  entries: LeaderboardEntry[];
  prevOffset: number | null;
  nextOffset: number | null;
}

/** How a leaderboard is computed (see the README's "Game statistics"). */
export interface LeaderboardDefinition {
  stat: string;
  aggregation: 'sum' | 'max' | 'min' | 'latest';
  direction?: 'desc' | 'asc';
  period?: { reset: 'daily' | 'weekly' | 'monthly' | 'cron'; cron?: string; timezone?: string } | null;
  season?: string | null;
}

type Totals = { matches: number; wins: number; losses: number; draws: number; totals: Record<string, number>; averages: Record<string, number> };
/** A player's career: totals and averages, personal bests, recent form and per-season splits. */
export type PlayerProfile = Totals & {
  playerId: string;
  bests: Record<string, { value: number; matchId: string; time: string | null }>;
  form: Array<{ matchId: string; time: string | null; status: string; result: 'win' | 'loss' | 'draw' | null; stats: Record<string, number> }>;
  seasons: Array<{ season: string | null } & Totals>;
};

/** A page of past performances, newest first, each with its match context. */
export interface PastPerformances {
  playerId: string;
  total: number;
  offset: number;
  nextOffset: number | null;
  prevOffset: number | null;
  matches: Array<{
    matchId: string;
    time: string | null;
    status: string;
    season: string | null;
    teamId: string | null;
    result: 'win' | 'loss' | 'draw' | null;
    placement: number | null;
    stats: Record<string, number>;
    match: { title: string; teams: Array<{ teamId: string; name: string; score: number; placement: number | null }> };
  }>;
}

/** A live match board you watch: its latest board and change listeners. Obtained from `client.stats.watchMatch`. */
export class MatchWatch {
  private readonly boardListeners = new Set<(board: MatchBoard) => void>();
  private readonly recordListeners = new Set<(record: RecordBroken) => void>();
  private _board: MatchBoard | null = null;

  constructor(
    readonly matchId: string,
    private readonly stop: () => void,
  ) {}

  /** The latest board (null until the match's first event was ingested). */
  get board(): MatchBoard | null {
    return this._board;
  }

  /** Calls `listener` with every new board (at most ~10 per second); returns a function that stops it. */
  onBoard(listener: (board: MatchBoard) => void): () => void {
    this.boardListeners.add(listener);
    return () => this.boardListeners.delete(listener);
  }

  /** Calls `listener` when a player of this match beats a personal best; returns a function that stops it. */
  onRecord(listener: (record: RecordBroken) => void): () => void {
    this.recordListeners.add(listener);
    return () => this.recordListeners.delete(listener);
  }

  /** Stops watching. */
  close(): void {
    this.stop();
  }

  /** @internal A board from the join answer or an event; older ones (lower seq and count) are ignored. */
  applyBoard(board: MatchBoard | null): void {
    if (!board) return;
    if (this._board && board.events < this._board.events && board.status === this._board.status) return;
    this._board = board;
    for (const l of this.boardListeners) l(board);
  }

  /** @internal */
  applyRecord(record: RecordBroken): void {
    for (const l of this.recordListeners) l(record);
  }
}

const q = (params: Record<string, string | number | null | undefined>) => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== null).map(([k, v]) => [k, String(v)])).toString();
  return s ? `?${s}` : '';
};
const e = encodeURIComponent;

/**
 * Rank changes of a leaderboard you watch, as they happen (one per player whose score moved them —
 * players shifted by it get none, so read the page again with `leaderboard`/`around`). Obtained from `client.stats.watchLeaderboard`.
 */
export class LeaderboardWatch {
  private readonly listeners = new Set<(change: RankChanged) => void>();

  constructor(
    readonly boardId: string,
    private readonly stop: () => void,
  ) {}

  /** Calls `listener` with every rank change of the leaderboard (any period); returns a function that stops it. */
  onRank(listener: (change: RankChanged) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops watching. */
  close(): void {
    this.stop();
  }

  /** @internal */
  applyRank(change: RankChanged): void {
    for (const l of this.listeners) l(change);
  }
}

/**
 * Game statistics: watch live match boards and leaderboards over the connection; read leaderboards, profiles and past
 * performances over HTTP (`/api/v1/stats`). Obtained from `client.stats`.
 */
export class StatsApi {
  private readonly watches = new Map<string, MatchWatch>();
  private readonly boardWatches = new Map<string, LeaderboardWatch>();

  constructor(
    private readonly join: Join,
    private readonly leave: Leave,
    private readonly http: Http,
  ) {}

  /** Watches a match's live board (any signed-in user of the workspace may); rejoined after reconnects. */
  async watchMatch(matchId: string): Promise<MatchWatch> {
    let watch = this.watches.get(matchId);
    if (watch) return watch;
    watch = new MatchWatch(matchId, () => {
      this.watches.delete(matchId);
      this.leave({ kind: 'match', id: matchId });
    });
    this.watches.set(matchId, watch);
    try {
      await this.rejoin(watch);
    } catch (error) {
      this.watches.delete(matchId);
      throw error;
    }
    return watch;
  }

  /**
   * Watches a leaderboard's rank changes (any signed-in user of the workspace may); rejoined after
   * reconnects — a change that happened while disconnected is not replayed, so read the page again then.
   */
  async watchLeaderboard(boardId: string): Promise<LeaderboardWatch> {
    let watch = this.boardWatches.get(boardId);
    if (watch) return watch;
    watch = new LeaderboardWatch(boardId, () => {
      this.boardWatches.delete(boardId);
      this.leave({ kind: 'leaderboard', id: boardId });
    });
    this.boardWatches.set(boardId, watch);
    try {
      await this.joinOrThrow({ kind: 'leaderboard', id: boardId });
    } catch (error) {
      this.boardWatches.delete(boardId);
      throw error;
    }
    return watch;
  }

  /** A match's current board (null if none of its events was ingested). */
  async board(matchId: string): Promise<MatchBoard | null> {
    try {
      return (await this.http('GET', `matches/${e(matchId)}`)) as MatchBoard;
    } catch (error) {
      if ((error as { code?: string }).code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** Every leaderboard defined in the workspace. */
  async leaderboards(): Promise<Array<LeaderboardDefinition & { boardId: string }>> {
    return ((await this.http('GET', 'leaderboards')) as { leaderboards: Array<LeaderboardDefinition & { boardId: string }> }).leaderboards;
  }

  /** A page of a leaderboard: `period` defaults to the current one, `offset` 0 is rank 1. */
  async leaderboard(boardId: string, options: { period?: string; offset?: number; limit?: number } = {}): Promise<LeaderboardPage> {
    return (await this.http('GET', `leaderboards/${e(boardId)}${q(options)}`)) as LeaderboardPage;
  }

  /** Entries around a player (a full window even at the top or bottom). */
  async around(boardId: string, playerId: string, options: { period?: string; limit?: number } = {}): Promise<LeaderboardPage> {
    return (await this.http('GET', `leaderboards/${e(boardId)}/around/${e(playerId)}${q(options)}`)) as LeaderboardPage;
  }

  /** A player's rank and score on a leaderboard. */
  async rank(boardId: string, playerId: string, period?: string): Promise<LeaderboardEntry & { period: string; total: number }> {
    return (await this.http('GET', `leaderboards/${e(boardId)}/players/${e(playerId)}${q({ period })}`)) as LeaderboardEntry & { period: string; total: number };
  }

  /** The periods of a leaderboard that have entries, and the current one. */
  async periods(boardId: string): Promise<{ boardId: string; current: string; periods: Array<{ period: string; players: number }> }> {
    return (await this.http('GET', `leaderboards/${e(boardId)}/periods`)) as never;
  }

  /** Creates or changes a leaderboard (needs the admin or stats-ingest role outside embedded mode). */
  async defineLeaderboard(boardId: string, definition: LeaderboardDefinition): Promise<LeaderboardDefinition & { boardId: string }> {
    return (await this.http('PUT', `leaderboards/${e(boardId)}`, definition)) as never;
  }

  /** A player's profile; `form` is how many recent matches to show (default 5). */
  async profile(playerId: string, options: { form?: number } = {}): Promise<PlayerProfile> {
    return (await this.http('GET', `players/${e(playerId)}/profile${q(options)}`)) as PlayerProfile;
  }

  /** A page of a player's past performances, newest first. */
  async matches(playerId: string, options: { offset?: number; limit?: number } = {}): Promise<PastPerformances> {
    return (await this.http('GET', `players/${e(playerId)}/matches${q(options)}`)) as PastPerformances;
  }

  /** Ingests match events over HTTP (embedded mode and tests; partners produce to Kafka). */
  async ingest(events: Array<{ type: string; data: Record<string, unknown>; id?: string }>): Promise<{ accepted: number; ids: string[] }> {
    return (await this.http('POST', 'ingest', { events })) as { accepted: number; ids: string[] };
  }

  /** @internal */
  dispatch(event: StatsEvent): void {
    switch (event.type) {
      case 'stats.board':
        this.watches.get(event.board.matchId)?.applyBoard(event.board);
        break;
      case 'stats.record': {
        const { type: _t, ...record } = event;
        this.watches.get(event.matchId)?.applyRecord(record);
        break;
      }
      case 'stats.rank': {
        const { type: _t, ...change } = event;
        this.boardWatches.get(event.boardId)?.applyRank(change);
        break;
      }
    }
  }

  /** @internal Rejoins every watched match and leaderboard after a reconnect. */
  async resync(): Promise<void> {
    await Promise.all([...[...this.watches.values()].map((w) => this.rejoin(w)), ...[...this.boardWatches.keys()].map((id) => this.joinOrThrow({ kind: 'leaderboard', id }))]);
  }

  private async rejoin(watch: MatchWatch): Promise<void> {
    const ack = await this.joinOrThrow({ kind: 'match', id: watch.matchId });
    if (ack.state.kind === 'match') watch.applyBoard(ack.state.board);
  }

  private async joinOrThrow(resource: Watched): Promise<Extract<JoinAck, { ok: true }>> {
    const ack = await this.join(resource);
    if (!ack.ok) throw Object.assign(new Error(ack.error.message), { code: ack.error.code });
    return ack;
  }
}
