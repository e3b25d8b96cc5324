import { Inject, Injectable } from '@nestjs/common';
import type { ProtocolError } from '@tandem/contracts';
import { CONFIG, Config, Metrics, Principal } from '@tandem/platform';
import { TokenBucket } from './token-bucket';

/** Bytes of a decoded socket message, counted until `cap` is passed (then it stops early). */
export function sizeOf(value: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && total <= cap) {
    const v = stack.pop();
    if (typeof v === 'string') total += Buffer.byteLength(v) + 2;
    else if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) total += v.byteLength;
    else if (Array.isArray(v)) {
      total += 2;
      stack.push(...v);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        total += Buffer.byteLength(k) + 4;
        stack.push(x);
      }
    } else total += 8;
  }
  return total;
}

/**
 * The gateway's limits: message size, a token bucket per socket and one per user (so a flood from
 * one session is refused before it costs anything, and never queues in front of other users),
 * rooms per socket and connections per user. Counts are per gateway process.
 */
@Injectable()
export class LimitsService {
  private readonly socketBuckets = new Map<string, TokenBucket>();
  private readonly userBuckets = new Map<string, TokenBucket>();
  private readonly connections = new Map<string, Set<string>>();

  constructor(
    @Inject(CONFIG) private readonly config: Config,
    private readonly metrics: Metrics,
  ) {}

  /** Registers a connection, or says why it is refused (too many for this user). */
  connect(principal: Principal, socketId: string): ProtocolError | null {
    const user = `${principal.tenant}/${principal.userId}`;
    const sockets = this.connections.get(user) ?? new Set<string>();
    if (sockets.size >= this.config.MAX_CONNECTIONS_PER_USER) {
      this.metrics.limitRejections.inc({ limit: 'connections_per_user' });
      return { code: 'LIMIT_EXCEEDED', message: `at most ${this.config.MAX_CONNECTIONS_PER_USER} connections per user: close another tab or device` };
    }
    sockets.add(socketId);
    this.connections.set(user, sockets);
    this.socketBuckets.set(socketId, new TokenBucket(this.config.SOCKET_RATE_PER_SECOND, this.config.SOCKET_RATE_BURST));
    if (!this.userBuckets.has(user)) this.userBuckets.set(user, new TokenBucket(this.config.USER_RATE_PER_SECOND, this.config.USER_RATE_BURST));
    return null;
  }

  disconnect(principal: Principal, socketId: string): void {
    const user = `${principal.tenant}/${principal.userId}`;
    this.socketBuckets.delete(socketId);
    const sockets = this.connections.get(user);
    sockets?.delete(socketId);
    if (sockets && sockets.size === 0) {
      this.connections.delete(user);
      this.userBuckets.delete(user);
    }
  }

  /** Checks one incoming message against the size and rate limits. */
  admit(principal: Principal, socketId: string, args: unknown[]): ProtocolError | null {
    const max = this.config.MAX_MESSAGE_BYTES;
    if (sizeOf(args, max) > max) {
      this.metrics.limitRejections.inc({ limit: 'message_bytes' });
      return { code: 'PAYLOAD_TOO_LARGE', message: `messages are limited to ${max} bytes; split larger content into chunks` };
    }
    for (const [limit, bucket] of [
      ['socket_rate', this.socketBuckets.get(socketId)],
      ['user_rate', this.userBuckets.get(`${principal.tenant}/${principal.userId}`)],
    ] as const) {
      const taken = bucket?.take();
      if (taken && !taken.ok) {
        this.metrics.limitRejections.inc({ limit });
        return { code: 'RATE_LIMITED', message: 'too many messages; slow down and send again after retryAfterMs', retryAfterMs: taken.retryAfterMs };
      }
    }
    return null;
  }

  /** Checks that a socket may join one more room. */
  admitRoom(roomsJoined: number): ProtocolError | null {
    if (roomsJoined < this.config.MAX_ROOMS_PER_SOCKET) return null;
    this.metrics.limitRejections.inc({ limit: 'rooms_per_socket' });
    return { code: 'LIMIT_EXCEEDED', message: `a connection may be in at most ${this.config.MAX_ROOMS_PER_SOCKET} rooms; leave one first` };
  }
}
