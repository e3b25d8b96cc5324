import type { AclState, DocKindName, EventOfType, ResourceRole, TOPICS } from '@tandem/contracts';

type Docs = typeof TOPICS.docsCommands;
export type AclCommandType = 'tandem.docs.acl.grant' | 'tandem.docs.acl.workspace-access' | 'tandem.docs.acl.link.create' | 'tandem.docs.acl.link.revoke';
export type AclCommand = EventOfType<Docs, AclCommandType>;

export const ACL_COMMAND_TYPES: readonly string[] = ['tandem.docs.acl.grant', 'tandem.docs.acl.workspace-access', 'tandem.docs.acl.link.create', 'tandem.docs.acl.link.revoke'];

/** The ACL a document gets when its first change arrives: its creator owns it, members may edit; it says the document's kind. */
export function createdAcl(docId: string, creator: string, docKind: DocKindName): AclState {
  return { resource: { kind: 'doc', id: docId }, version: 1, workspaceAccess: 'editor', grants: [{ userId: creator, role: 'owner' }], links: [], docKind };
}

/**
 * Applies one ACL command; returns the next ACL (version + 1), or the same object when the command
 * changes nothing (a redelivery, or a grant that is already so), which makes commands idempotent.
 */
export function applyAclCommand(acl: AclState, command: AclCommand): AclState {
  const next = (changes: Partial<AclState>): AclState => ({ ...acl, ...changes, version: acl.version + 1 });
  switch (command.type) {
    case 'tandem.docs.acl.grant': {
      const { subject, role } = command.data;
      const current = acl.grants.find((g) => g.userId === subject)?.role ?? null;
      if (current === role) return acl;
      const others = acl.grants.filter((g) => g.userId !== subject);
      return next({ grants: role ? [...others, { userId: subject, role: role as ResourceRole }] : others });
    }
    case 'tandem.docs.acl.workspace-access':
      return acl.workspaceAccess === command.data.access ? acl : next({ workspaceAccess: command.data.access });
    case 'tandem.docs.acl.link.create': {
      const { linkId, role, expiresAt, userId } = command.data;
      if (acl.links.some((l) => l.linkId === linkId)) return acl;
      return next({ links: [...acl.links, { linkId, role, expiresAt, revoked: false, createdBy: userId }] });
    }
    case 'tandem.docs.acl.link.revoke': {
      const link = acl.links.find((l) => l.linkId === command.data.linkId);
      if (!link || link.revoked) return acl;
      return next({ links: acl.links.map((l) => (l === link ? { ...l, revoked: true } : l)) });
    }
  }
}
