import { Injectable } from '@nestjs/common';
import { Metrics } from '@tandem/platform';
import { Counter, Gauge } from 'prom-client';
import { PresenceRepository } from './presence.repository';

interface Counts {
  users: number;
  connections: number;
}

/** The gauges read the store; scrapes within this long of each other share one read. */
const COUNT_CACHE_MS = 5_000;

/**
 * The presence service's own metrics, in the process registry. The gauges count the whole platform
 * (read from the shared store when scraped), so every instance reports the same number: use `max`.
 */
@Injectable()
export class PresenceMetrics {
  readonly published: Counter<'type'>;
  readonly expirations: Counter<'kind'>;
  private counted?: { at: number; value: Promise<Counts> };
  private last: Counts = { users: 0, connections: 0 };

  constructor(metrics: Metrics, private readonly repo: PresenceRepository) {
    const registers = [metrics.registry];
    const count = () => this.count();
    this.published = new Counter({ name: 'tandem_presence_events_published_total', help: 'Presence events published, by type', labelNames: ['type'], registers });
    this.expirations = new Counter({
      name: 'tandem_presence_expirations_total',
      help: 'Things that ended by themselves, by kind: connection (no heartbeat), typing, away (inactivity), status_text',
      labelNames: ['kind'],
      registers,
    });
    new Gauge({
      name: 'tandem_presence_online_users',
      help: 'Users with at least one live connection (invisible ones included), across the platform',
      registers,
      async collect() {
        this.set((await count()).users);
      },
    });
    new Gauge({
      name: 'tandem_presence_live_connections',
      help: 'Live connections (heartbeat within the TTL), across the platform',
      registers,
      async collect() {
        this.set((await count()).connections);
      },
    });
  }

  private count(): Promise<Counts> {
    const now = Date.now();
    if (!this.counted || now - this.counted.at > COUNT_CACHE_MS) {
      const value = this.repo.liveConnections().then(
        (cs) => (this.last = { connections: cs.length, users: new Set(cs.map((c) => `${c.tenant}/${c.userId}`)).size }),
        () => this.last, // the store is down: readiness says so; keep the last known counts
      );
      this.counted = { at: now, value };
    }
    return this.counted.value;
  }
}
