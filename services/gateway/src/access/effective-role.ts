import { AclState, ResourceRole, WorkspaceRole, compareRoles } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';

/** The workspace role in a token's `roles` claim: admin, guest, or member by default. */
export function workspaceRoleOf(principal: Pick<Principal, 'roles'>): WorkspaceRole {
  if (principal.roles.includes('admin')) return 'admin';
  if (principal.roles.includes('guest')) return 'guest';
  return 'member';
}

/**
 * What `principal` may do on a resource: the strongest of workspace admin (owner everywhere), an
 * explicit grant, the workspace access (members and admins, not guests), and a valid share link the
 * socket joined with. `'none'` means no access at all.
 */
export function effectiveRole(acl: AclState, principal: Pick<Principal, 'userId' | 'roles'>, linkId?: string, now = Date.now()): ResourceRole | 'none' {
  const workspace = workspaceRoleOf(principal);
  if (workspace === 'admin') return 'owner';
  const candidates: Array<ResourceRole | 'none'> = ['none'];
  const grant = acl.grants.find((g) => g.userId === principal.userId);
  if (grant) candidates.push(grant.role);
  if (workspace === 'member') candidates.push(acl.workspaceAccess);
  if (linkId) {
    const link = acl.links.find((l) => l.linkId === linkId);
    if (link && !link.revoked && Date.parse(link.expiresAt) > now) candidates.push(link.role);
  }
  return candidates.reduce((best, r) => (compareRoles(r, best) > 0 ? r : best));
}

/** True when `role` is at least `needed`. */
export function allows(role: ResourceRole | 'none', needed: ResourceRole): boolean {
  return compareRoles(role, needed) >= 0;
}
