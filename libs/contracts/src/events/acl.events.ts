import { z } from 'zod';
import { CommandId, Id } from '../ids';
import { DocKindSchema } from './doc-kind';

/** Roles on one resource, weakest first. */
export const RESOURCE_ROLES = ['viewer', 'commenter', 'editor', 'owner'] as const;
export const ResourceRole = z.enum(RESOURCE_ROLES);
export type ResourceRole = z.infer<typeof ResourceRole>;

/** What workspace members (not guests) get on a resource without an explicit grant. */
export const WorkspaceAccess = z.enum(['none', ...RESOURCE_ROLES]);
export type WorkspaceAccess = z.infer<typeof WorkspaceAccess>;

/** Workspace roles, from the token's `roles` claim. */
export type WorkspaceRole = 'admin' | 'member' | 'guest';

/** Kinds of resources that carry an ACL. Boards are documents; channels and files join with their services. */
export const ResourceKind = z.enum(['doc']);
export type ResourceKind = z.infer<typeof ResourceKind>;

/** Compares roles: positive when `a` is stronger than `b`. */
export function compareRoles(a: ResourceRole | 'none', b: ResourceRole | 'none'): number {
  const rank = (r: ResourceRole | 'none') => (r === 'none' ? -1 : RESOURCE_ROLES.indexOf(r));
  return rank(a) - rank(b);
}

export const ShareLink = z
  .object({
    linkId: Id,
    role: ResourceRole.exclude(['owner']),
    expiresAt: z.iso.datetime({ offset: true }),
    revoked: z.boolean(),
    createdBy: Id,
  })
  .strict();
export type ShareLink = z.infer<typeof ShareLink>;

/**
 * The whole access-control list of one resource: what `acl.v1` carries (the latest per key, the
 * topic being compacted) and what the owning service stores. `version` grows by one per change.
 */
export const AclState = z
  .object({
    resource: z.object({ kind: ResourceKind, id: Id }).strict(),
    version: z.number().int().min(0),
    workspaceAccess: WorkspaceAccess,
    grants: z.array(z.object({ userId: Id, role: ResourceRole }).strict()),
    links: z.array(ShareLink),
    /** The kind of the document (set when its first change arrives), so that a client opens it right; absent on ACLs of documents not written yet. */
    docKind: DocKindSchema.optional(),
  })
  .strict();
export type AclState = z.infer<typeof AclState>;

/** The ACL of a resource that does not exist yet: members may create it, guests may not. */
export function emptyAcl(kind: ResourceKind, id: string): AclState {
  return { resource: { kind, id }, version: 0, workspaceAccess: 'editor', grants: [], links: [] };
}

/** Event types carried by the compacted `acl.v1` (owning services → gateways). */
export const AclEventSchemas = {
  /** The ACL of a resource after a change (grant, revocation, link, workspace access). */
  'tandem.acl.changed': AclState,
};

const AclCommandBase = { docId: Id, commandId: CommandId, userId: Id };

/** ACL commands on documents, carried by `docs.commands.v1`; the gateway has checked the caller may manage. */
export const DocsAclCommandSchemas = {
  /** Gives `subject` a role on the document, or takes it away (`role: null`). */
  'tandem.docs.acl.grant': z.object({ ...AclCommandBase, subject: Id, role: ResourceRole.nullable() }).strict(),
  /** Sets what workspace members get without an explicit grant. */
  'tandem.docs.acl.workspace-access': z.object({ ...AclCommandBase, access: WorkspaceAccess }).strict(),
  /** Records a share link (its signed token was handed to the caller by the gateway). */
  'tandem.docs.acl.link.create': z
    .object({ ...AclCommandBase, linkId: Id, role: ResourceRole.exclude(['owner']), expiresAt: z.iso.datetime({ offset: true }) })
    .strict(),
  /** Revokes a share link: everyone who joined with it loses that access. */
  'tandem.docs.acl.link.revoke': z.object({ ...AclCommandBase, linkId: Id }).strict(),
};
