import { Inject, Injectable } from '@nestjs/common';
import { AclState, KickReason, ProtocolError, ResourceRef, ResourceRole, compareRoles, isStatsResource, roomOf } from '@tandem/contracts';
import { LOGGER, Logger, Metrics, Principal } from '@tandem/platform';
import type { Socket } from 'socket.io';
import { DocsUnavailableError } from '../docs/docs-read.repository';
import { RoomEmitterRepository } from '../events/room-emitter.repository';
import type { SocketSession } from '../session/socket-session';
import { PresenceReporter } from '../presence/presence-reporter';
import { AclCache } from './acl-cache';
import { allows, effectiveRole } from './effective-role';
import { ShareLinkError, ShareLinks } from './share-link';

export const SHARE_LINKS = Symbol('ShareLinks');

export type AccessResult = { ok: true; role: ResourceRole; linkId?: string } | { ok: false; error: ProtocolError };

/**
 * Decides who may join and write, from each resource's current ACL, and applies ACL changes to the
 * sockets already in a room: removed access kicks the socket out, lowered access downgrades it.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly acls: AclCache,
    private readonly sockets: RoomEmitterRepository,
    private readonly metrics: Metrics,
    private readonly presence: PresenceReporter,
    @Inject(SHARE_LINKS) private readonly links: ShareLinks,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  /** May `principal` join `resource` (optionally through a share link)? With which role? */
  async authorizeJoin(principal: Principal, resource: ResourceRef, linkToken?: string): Promise<AccessResult> {
    // Live match boards and leaderboards are public within the tenant: anyone signed in may watch, nobody writes.
    if (isStatsResource(resource)) return { ok: true, role: 'viewer' };
    let linkId: string | undefined;
    if (linkToken) {
      try {
        const link = await this.links.verify(linkToken);
        if (link.tenant !== principal.tenant || link.resource.kind !== resource.kind || link.resource.id !== resource.id) {
          return { ok: false, error: { code: 'FORBIDDEN', message: 'this share link is for another resource' } };
        }
        linkId = link.linkId;
      } catch (error) {
        if (error instanceof ShareLinkError) return { ok: false, error: { code: 'FORBIDDEN', message: error.message } };
        throw error;
      }
    }
    const acl = await this.aclOf(principal.tenant, resource);
    if ('error' in acl) return acl;
    const role = effectiveRole(acl, principal, linkId);
    if (role === 'none') {
      const message = linkId ? 'this share link was revoked or has expired' : 'you do not have access to this resource; ask its owner to share it';
      return { ok: false, error: { code: 'FORBIDDEN', message } };
    }
    return { ok: true, role, linkId };
  }

  /** May the socket's user perform an action needing `needed` on `resource` now? */
  async authorize(session: SocketSession, resource: ResourceRef, needed: ResourceRole): Promise<ProtocolError | null> {
    if (isStatsResource(resource)) return needed === 'viewer' ? null : { code: 'FORBIDDEN', message: `a ${resource.kind === 'match' ? 'match board' : 'leaderboard'} is read-only` };
    const acl = await this.aclOf(session.principal.tenant, resource);
    if ('error' in acl) return acl.error;
    const linkId = session.joined.get(roomOf(session.principal.tenant, resource))?.linkId;
    const role = effectiveRole(acl, session.principal, linkId);
    if (allows(role, needed)) return null;
    return { code: 'FORBIDDEN', message: role === 'none' ? 'you do not have access to this resource' : `this needs the ${needed} role; you are ${role}` };
  }

  /** Applies an ACL change from `acl.v1` to this gateway's sockets in the resource's room. */
  onAclChanged(tenant: string, acl: AclState, publishedAt: number): void {
    this.acls.apply(tenant, acl);
    const room = roomOf(tenant, acl.resource);
    for (const socket of this.sockets.localSocketsIn(room)) {
      const session = socket.data as SocketSession;
      const joined = session.joined.get(room);
      if (!joined) continue;
      const role = effectiveRole(acl, session.principal, joined.linkId);
      if (role === 'none') {
        const link = joined.linkId ? acl.links.find((l) => l.linkId === joined.linkId) : undefined;
        const viaLinkOnly = link && effectiveRole(acl, session.principal) === 'none';
        const reason: KickReason = viaLinkOnly ? (link.revoked ? 'LINK_REVOKED' : 'LINK_EXPIRED') : 'ACCESS_REVOKED';
        this.kick(socket, session, room, reason);
      } else if (compareRoles(role, joined.role) < 0) {
        joined.role = role;
        socket.emit('event', { type: 'downgraded', resource: acl.resource, role, message: `your role on this resource is now ${role}` });
      } else {
        joined.role = role;
      }
    }
    this.metrics.aclChangeLatency.observe(Math.max(0, Date.now() - publishedAt) / 1000);
  }

  /** Removes a socket from a room at once and tells it why. */
  kick(socket: Socket, session: SocketSession, room: string, reason: KickReason): void {
    const joined = session.joined.get(room);
    session.joined.delete(room);
    void socket.leave(room);
    if (joined) void this.presence.left(socket.id, session, joined.resource);
    this.metrics.kicks.inc({ reason });
    socket.emit('event', { type: 'kicked', resource: joined?.resource ?? null, reason, message: kickMessage(reason) });
    this.logger.info({ user: session.principal.userId, tenant: session.principal.tenant, room, reason }, 'socket removed from a room');
  }

  private async aclOf(tenant: string, resource: ResourceRef): Promise<AclState | { ok: false; error: ProtocolError }> {
    try {
      return await this.acls.get(tenant, resource);
    } catch (error) {
      if (error instanceof DocsUnavailableError) return { ok: false, error: { code: 'UNAVAILABLE', message: error.message } };
      throw error;
    }
  }
}

function kickMessage(reason: KickReason): string {
  switch (reason) {
    case 'ACCESS_REVOKED':
      return 'your access to this resource was removed';
    case 'LINK_REVOKED':
      return 'the share link you used was revoked';
    case 'LINK_EXPIRED':
      return 'the share link you used has expired';
    case 'TOKEN_EXPIRED':
      return 'your session expired; sign in again';
  }
}
