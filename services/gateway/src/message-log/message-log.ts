import { Inject, Injectable } from '@nestjs/common';
import { CONFIG, Config, LOGGER, Logger, Metrics } from '@tandem/platform';
import { createHash } from 'node:crypto';
import { Counter } from 'prom-client';

/** What a socket session's log line says about its user. */
export interface SessionInfo {
  socketId: string;
  tenant: string;
  userId: string;
}

/** One line of the message log (`"log":"message"` in the gateway's JSON output). */
export interface MessageLogRecord {
  log: 'message';
  session: string;
  tenant: string;
  user: string;
  /** Milliseconds since the session connected: replay keeps the original pacing. */
  t: number;
  event: string;
  args: unknown[];
  outcome: 'ok' | 'error' | 'refused';
  error?: unknown;
  /** Whether the session is sampled (a full session), or only this failed message was logged. */
  sampled: boolean;
}

/** Payloads above this are logged truncated (their size is kept) so a log line stays small. */
const MAX_ARG_CHARS = 16 * 1024;
/** Failed messages of an unsampled session are logged with a shorter payload: enough to see what it was. */
const MAX_FAILED_ARG_CHARS = 1024;

/** Failure lines of one unsampled session in the current minute, and how many were left out. */
interface FailureBudget {
  windowStart: number;
  lines: number;
  suppressed: number;
}

/**
 * The sampled message log: every message of a sampled share of sessions (MESSAGE_LOG_SAMPLE_RATE,
 * decided per socket so a session is whole), plus the refused or failed messages of any session —
 * up to MESSAGE_LOG_FAILURES_PER_MINUTE lines a minute per unsampled session, so one client sending
 * garbage cannot flood the log (the log's write buffer is memory: the fuzz test saw 12,000 refusals
 * grow the gateway's heap by 90 MiB). What a budget left out is counted and summarised in one line.
 * Lines go to the process's JSON log with the trace ids; `scripts/replay.ts` feeds a recorded
 * session back into a gateway.
 */
@Injectable()
export class MessageLog {
  private readonly logged: Counter<'sampled'>;
  private readonly suppressed: Counter;
  private readonly budgets = new Map<string, FailureBudget>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.logged = new Counter({ name: 'tandem_message_log_lines_total', help: 'Socket messages written to the message log, by whether the session was sampled (true) or the message failed (false)', labelNames: ['sampled'], registers: [metrics.registry] });
    this.suppressed = new Counter({ name: 'tandem_message_log_suppressed_total', help: 'Refused or failed messages of unsampled sessions left out of the message log because the session used its per-minute budget (MESSAGE_LOG_FAILURES_PER_MINUTE)', registers: [metrics.registry] });
  }

  /** Whether every message of this socket is logged: a stable function of the socket id. */
  sampled(socketId: string): boolean {
    const rate = this.config.MESSAGE_LOG_SAMPLE_RATE;
    if (rate <= 0) return false;
    if (rate >= 1) return true;
    return createHash('sha1').update(socketId).digest().readUInt32BE(0) / 0x1_0000_0000 < rate;
  }

  /** Logs one message once its outcome is known (the acknowledgement it got, or its refusal). */
  record(session: SessionInfo, connectedAt: number, event: string, args: unknown[], result: unknown, refused = false): void {
    const failed = refused || (typeof result === 'object' && result !== null && (result as { ok?: unknown }).ok === false);
    const sampled = this.sampled(session.socketId);
    if (!sampled && !failed) return;
    if (!sampled && !this.withinBudget(session, Date.now())) return;
    const line: MessageLogRecord = {
      log: 'message',
      session: session.socketId,
      tenant: session.tenant,
      user: session.userId,
      t: Date.now() - connectedAt,
      event,
      args: args.filter((a) => typeof a !== 'function').map((a) => truncate(a, sampled ? MAX_ARG_CHARS : MAX_FAILED_ARG_CHARS)),
      outcome: refused ? 'refused' : failed ? 'error' : 'ok',
      sampled,
    };
    if (failed) line.error = (result as { error?: unknown } | undefined)?.error;
    this.logged.inc({ sampled: String(sampled) });
    if (failed) this.logger.warn(line, `socket message ${event} ${line.outcome}`);
    else this.logger.info(line, `socket message ${event}`);
  }

  /** The session has ended: says how many of its failure lines were left out, and forgets it. */
  forget(session: SessionInfo): void {
    const budget = this.budgets.get(session.socketId);
    this.budgets.delete(session.socketId);
    if (budget?.suppressed) this.summarise(session, budget);
  }

  private withinBudget(session: SessionInfo, now: number): boolean {
    let budget = this.budgets.get(session.socketId);
    if (!budget) this.budgets.set(session.socketId, (budget = { windowStart: now, lines: 0, suppressed: 0 }));
    if (now - budget.windowStart >= 60_000) {
      if (budget.suppressed) this.summarise(session, budget);
      Object.assign(budget, { windowStart: now, lines: 0, suppressed: 0 });
    }
    if (budget.lines < this.config.MESSAGE_LOG_FAILURES_PER_MINUTE) {
      budget.lines += 1;
      return true;
    }
    budget.suppressed += 1;
    this.suppressed.inc();
    return false;
  }

  private summarise(session: SessionInfo, budget: FailureBudget): void {
    this.logger.warn(
      { log: 'message-suppressed', session: session.socketId, tenant: session.tenant, user: session.userId, suppressed: budget.suppressed, since: new Date(budget.windowStart).toISOString() },
      `${budget.suppressed} more refused or failed messages of this session were not logged (MESSAGE_LOG_FAILURES_PER_MINUTE=${this.config.MESSAGE_LOG_FAILURES_PER_MINUTE})`,
    );
  }
}

function truncate(arg: unknown, max: number): unknown {
  const text = JSON.stringify(arg) ?? 'null';
  return text.length <= max ? arg : { truncated: true, chars: text.length, head: text.slice(0, 512) };
}
