import { Injectable } from '@nestjs/common';
import { Ack, PresenceMessage, ProtocolError, ResourceRef, UserPresence, channelRoom, roomOf, userStatusRoom } from '@tandem/contracts';
import type { Socket } from 'socket.io';
import { DocsUnavailableError } from '../docs/docs-read.repository';
import type { SocketSession } from '../session/socket-session';
import { CursorRelay } from './cursor-relay';
import { PresenceReadRepository } from './presence-read.repository';
import { PresenceReporter } from './presence-reporter';

/** Users one socket may follow at most. */
export const MAX_FOLLOWED = 500;

/**
 * A socket's presence messages: status, activity and typing go to the presence service; cursors are
 * relayed to the room directly; following joins the followed users' status rooms and answers with
 * their current statuses. Typing and cursors need the socket to be in the resource's room (typing in
 * a chat channel: subscribed to the channel, which the chat service allowed).
 */
@Injectable()
export class GatewayPresenceService {
  constructor(
    private readonly reporter: PresenceReporter,
    private readonly cursors: CursorRelay,
    private readonly reads: PresenceReadRepository,
  ) {}

  async handle(socket: Socket, session: SocketSession, message: PresenceMessage): Promise<Ack<{ users?: UserPresence[] }>> {
    switch (message.type) {
      case 'presence.status':
      case 'presence.activity':
        await this.reporter.report(socket.id, session, message);
        return { ok: true };
      case 'presence.typing': {
        const { kind, id } = message.resource;
        const refused = kind === 'channel' ? this.requireSubscribed(socket, session, id) : this.requireJoined(session, { kind, id });
        if (refused) return { ok: false, error: refused };
        await this.reporter.report(socket.id, session, message);
        return { ok: true };
      }
      case 'presence.cursor': {
        const refused = this.requireJoined(session, message.resource);
        if (refused) return { ok: false, error: refused };
        this.cursors.move(session, socket, message.resource, message.cursor);
        return { ok: true };
      }
      case 'presence.follow': {
        const { tenant } = session.principal;
        const following = [...socket.rooms].filter((r) => r.startsWith(`t:${tenant}:user:`)).length;
        if (following + message.userIds.length > MAX_FOLLOWED) return { ok: false, error: { code: 'LIMIT_EXCEEDED', message: `a connection may follow at most ${MAX_FOLLOWED} users` } };
        await socket.join(message.userIds.map((id) => userStatusRoom(tenant, id)));
        try {
          return { ok: true, users: await this.reads.users(tenant, message.userIds) };
        } catch (error) {
          if (error instanceof DocsUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
          throw error;
        }
      }
      case 'presence.unfollow':
        for (const id of message.userIds) await socket.leave(userStatusRoom(session.principal.tenant, id));
        return { ok: true };
    }
  }

  private requireSubscribed(socket: Socket, session: SocketSession, channelId: string): ProtocolError | null {
    if (socket.rooms.has(channelRoom(session.principal.tenant, channelId))) return null;
    return { code: 'FORBIDDEN', message: 'open (subscribe to) the channel first' };
  }

  private requireJoined(session: SocketSession, resource: { kind: ResourceRef['kind']; id: string }): ProtocolError | null {
    if (session.joined.has(roomOf(session.principal.tenant, resource))) return null;
    return { code: 'FORBIDDEN', message: 'join the resource first' };
  }
}
