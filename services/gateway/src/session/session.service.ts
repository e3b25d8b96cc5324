import { Inject, Injectable } from '@nestjs/common';
import type { Ack } from '@tandem/contracts';
import { AuthError, CONFIG, Config, Metrics } from '@tandem/platform';
import type { Socket } from 'socket.io';
import { AuthService } from '../auth/auth.service';
import type { SocketSession } from './socket-session';

/**
 * Keeps a connected socket's token valid: asks for a fresh one before it expires (`auth.expiring`)
 * and disconnects the socket with `TOKEN_EXPIRED` if none came.
 */
@Injectable()
export class SessionService {
  constructor(
    private readonly auth: AuthService,
    private readonly metrics: Metrics,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** Arms the expiry timers of a socket for its current token. */
  watchExpiry(socket: Socket, session: SocketSession): void {
    this.clear(session);
    const expiresAt = session.principal.expiresAt * 1000;
    const lead = this.config.TOKEN_REFRESH_LEAD_SECONDS * 1000;
    const warnIn = Math.max(0, expiresAt - lead - Date.now());
    session.expiryTimers.push(
      setTimeout(() => socket.emit('event', { type: 'auth.expiring', expiresAt }), warnIn),
      setTimeout(() => {
        this.metrics.kicks.inc({ reason: 'TOKEN_EXPIRED' });
        socket.emit('event', { type: 'kicked', resource: null, reason: 'TOKEN_EXPIRED', message: 'your session expired; sign in again' });
        socket.disconnect(true);
      }, Math.max(0, expiresAt - Date.now())),
    );
  }

  /** Replaces the socket's token with a fresh one of the same user and tenant. */
  async refresh(socket: Socket, session: SocketSession, token: string): Promise<Ack<{ expiresAt: number }>> {
    try {
      const principal = await this.auth.verify(token);
      if (principal.userId !== session.principal.userId || principal.tenant !== session.principal.tenant) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'a refreshed token must be for the same user and tenant' } };
      }
      session.principal = principal;
      this.watchExpiry(socket, session);
      return { ok: true, expiresAt: principal.expiresAt * 1000 };
    } catch (error) {
      if (error instanceof AuthError) return { ok: false, error: { code: 'UNAUTHENTICATED', message: error.message } };
      throw error;
    }
  }

  clear(session: SocketSession): void {
    for (const t of session.expiryTimers.splice(0)) clearTimeout(t);
  }
}
