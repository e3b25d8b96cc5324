export type StatsErrorCode = 'NOT_FOUND' | 'INVALID_REQUEST';

/** The stats service's one error type; the HTTP layer maps each code to a status. */
export class StatsError extends Error {
  constructor(
    readonly code: StatsErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'StatsError';
  }
}

/** The clock the services read "now" from (the current leaderboard period); tests replace it. */
export const STATS_CLOCK = Symbol('StatsClock');
export type Clock = () => number;
