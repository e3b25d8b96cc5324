import { AclState, compareRoles } from '@tandem/contracts';
import type { AclSnapshot } from '../store/notification-store.port';
import { Candidate } from './candidate';

/**
 * What the service keeps of a resource's ACLs after seeing `next`: the ACL to compare with and the
 * new one. A redelivered version compares with the same `previous` again (so it asks for the same,
 * deduplicated, notifications); an older version changes nothing.
 */
export function nextAclSnapshot(stored: AclSnapshot | null, next: AclState): AclSnapshot | null {
  if (!stored) return { previous: null, current: next };
  if (next.version === stored.current.version) return stored;
  if (next.version < stored.current.version) return null;
  return { previous: stored.current, current: next };
}

/**
 * Notifications from `acl.v1`: users given access to a document (or a stronger role on it) since
 * the previous ACL seen. Version 1 is the creator's own ownership: nothing to tell. An ACL first seen
 * at a later version (the service started after it) has nothing to compare with: nothing either.
 * `acl.v1` does not say who made the change, so `actorId` is null.
 */
export function mapAclChange(snapshot: AclSnapshot): Candidate[] {
  const { previous, current } = snapshot;
  if (!previous || current.resource.kind !== 'doc') return [];
  const before = new Map(previous.grants.map((g) => [g.userId, g.role] as const));
  const docId = current.resource.id;
  return current.grants
    .filter((g) => compareRoles(g.role, before.get(g.userId) ?? 'none') > 0)
    .map((g) => ({
      userId: g.userId,
      type: 'doc.shared' as const,
      title: before.has(g.userId) ? `You are now ${g.role} of document ${docId}` : `Document ${docId} was shared with you (${g.role})`,
      body: '',
      actorId: null,
      link: { kind: 'doc' as const, docId, role: g.role, docKind: current.docKind ?? null },
      scopes: [{ kind: 'doc' as const, id: docId }],
      idempotencyKey: `acl:doc:${docId}:v${current.version}`,
      requiresDoc: null,
    }));
}

/**
 * Whether a user may read a document by its ACL: an explicit grant, or workspace access for members.
 * The service does not know workspace roles, so a guest counts as a member here; an ACL never seen
 * is the default one (members edit).
 */
export function canRead(acl: AclState | null, userId: string): boolean {
  if (!acl) return true;
  if (acl.grants.some((g) => g.userId === userId)) return true;
  return acl.workspaceAccess !== 'none';
}
