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

/**
 * The sampled message log: every message of a sampled share of sessions (MESSAGE_LOG_SAMPLE_RATE,
 * decided per socket so a session is whole), plus every refused or failed message of any session.
 * Lines go to the process's JSON log with the trace ids; `scripts/replay.ts` feeds a recorded
 * session back into a gateway.
 */
@Injectable()
export class MessageLog {
  private readonly logged: Counter<'sampled'>;

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    this.logged = new Counter({ name: 'tandem_message_log_lines_total', help: 'Socket messages written to the message log, by whether the session was sampled (true) or the message failed (false)', labelNames: ['sampled'], registers: [metrics.registry] });
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
    const line: MessageLogRecord = {
      log: 'message',
      session: session.socketId,
      tenant: session.tenant,
      user: session.userId,
      t: Date.now() - connectedAt,
      event,
      args: args.filter((a) => typeof a !== 'function').map(truncate),
      outcome: refused ? 'refused' : failed ? 'error' : 'ok',
      sampled,
    };
    if (failed) line.error = (result as { error?: unknown } | undefined)?.error;
    this.logged.inc({ sampled: String(sampled) });
    if (failed) this.logger.warn(line, `socket message ${event} ${line.outcome}`);
    else this.logger.info(line, `socket message ${event}`);
  }
}

function truncate(arg: unknown): unknown {
  const text = JSON.stringify(arg) ?? 'null';
  return text.length <= MAX_ARG_CHARS ? arg : { truncated: true, chars: text.length, head: text.slice(0, 512) };
}
