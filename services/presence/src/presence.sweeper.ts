import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { LOGGER, Logger } from '@tandem/platform';
import { forEachLimited, groupBy } from './concurrency';
import { PresenceExpiryService } from './presence-expiry.service';
import { Pending } from './presence.model';
import { PresencePublisher } from './presence.publisher';
import { Deadline, PresenceRepository } from './presence.repository';
import { PresenceSettings } from './presence.settings';

/** Subjects (users, typing places) whose due deadlines are handled side by side. */
const CONCURRENCY = 32;

/**
 * Every PRESENCE_SWEEP_MS, takes the deadlines that passed and handles them. Any number of instances
 * may sweep: the store hands each deadline to one of them, which holds a lease on it while handling
 * it (and publishing what it touched), so one that dies mid-way leaves it to another once the lease
 * runs out.
 *
 * The first sweep waits one TTL after start: after an outage, the heartbeats queued meanwhile are
 * consumed first, rather than everyone being shown offline and back online.
 */
@Injectable()
export class PresenceSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: ReturnType<typeof setTimeout>;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly repo: PresenceRepository,
    private readonly expiry: PresenceExpiryService,
    private readonly publisher: PresencePublisher,
    private readonly settings: PresenceSettings,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(this.settings.ttlMs);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Handles every deadline due now; resolves with how many were taken. */
  async sweep(): Promise<number> {
    const due = await this.repo.takeDue();
    if (due.length === 0) return 0;
    await Promise.all(due.map((d) => this.repo.lease(d)));
    const pending = new Pending();
    const handled: Deadline[] = [];
    await forEachLimited(groupBy(due, subjectOf), CONCURRENCY, async (deadlines) => {
      for (const d of deadlines) {
        try {
          await this.expiry.handle(d, pending);
          handled.push(d);
        } catch (error) {
          this.logger.warn({ err: error, deadline: d }, 'could not handle an expiry; retrying once its lease runs out');
        }
      }
    });
    // Rosters and typists once per sweep: a crashed gateway's users leave a busy room in one update.
    await this.publisher.flush(pending);
    await Promise.all(handled.map((d) => this.repo.release(d)));
    return due.length;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sweep()
        .then(
          () => undefined,
          (error: unknown) => this.logger.error({ err: error }, 'presence sweep failed'),
        )
        .finally(() => this.schedule(this.settings.sweepMs));
    }, delayMs);
    this.timer.unref();
  }
}

/** Deadlines of one user (or one typing place) are handled in order, by one worker. */
function subjectOf(d: Deadline): string {
  return d.kind === 'typing' ? `${d.tenant}/${d.room}/${d.thread ?? ''}` : `${d.tenant}/${d.userId}`;
}
