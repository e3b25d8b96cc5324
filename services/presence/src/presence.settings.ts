import type { Config } from '@tandem/platform';

/** The presence timings, from the configuration, and the retention of what is derived from them. */
export class PresenceSettings {
  /** A connection without a heartbeat for this long is gone. */
  readonly ttlMs: number;
  /** How often the sweeper looks for what expired. */
  readonly sweepMs: number;
  /** A typist without a typing signal for this long stops typing. */
  readonly typingTtlMs: number;
  /** A user with no activity for this long is shown away (unless they chose a status). */
  readonly awayAfterMs: number;

  constructor(values: Pick<PresenceSettings, 'ttlMs' | 'sweepMs' | 'typingTtlMs' | 'awayAfterMs'>) {
    this.ttlMs = values.ttlMs;
    this.sweepMs = values.sweepMs;
    this.typingTtlMs = values.typingTtlMs;
    this.awayAfterMs = values.awayAfterMs;
  }

  static fromConfig(config: Config): PresenceSettings {
    return new PresenceSettings({ ttlMs: config.PRESENCE_TTL_MS, sweepMs: config.PRESENCE_SWEEP_MS, typingTtlMs: config.TYPING_TTL_MS, awayAfterMs: config.AWAY_AFTER_MS });
  }

  /** A live connection's record outlives its liveness, so the sweeper still finds its rooms when it expires. */
  get liveRecordTtlMs(): number {
    return 4 * this.ttlMs;
  }

  /** A closed connection is remembered this long, so late or redelivered commands cannot bring it back. */
  get closedRecordTtlMs(): number {
    return 2 * this.ttlMs;
  }

  /** A room entry lives this long unless refreshed; heartbeats refresh it once it is `ttlMs` old. */
  get roomEntryTtlMs(): number {
    return 3 * this.ttlMs;
  }

  /** Chosen statuses, last activity and last published user views are kept this long (refreshed while connected). */
  get retainMs(): number {
    return 24 * 60 * 60_000;
  }

  /** The last published roster or typists of a room. */
  get publishedRoomTtlMs(): number {
    return Math.max(10 * 60_000, this.roomEntryTtlMs);
  }

  /** A taken expiry is handled again after this long if its handler died. */
  get leaseMs(): number {
    return Math.max(10_000, 10 * this.sweepMs);
  }
}
