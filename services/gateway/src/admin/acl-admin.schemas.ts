import { Id, ResourceKind, ResourceRole, WorkspaceAccess } from '@tandem/contracts';
import { z } from 'zod';

/** Request bodies and path parameters of the admin API, validated before any handler runs. */
export const ResourcePath = z.object({ kind: ResourceKind, id: Id }).strict();
export const GrantPath = ResourcePath.extend({ userId: Id });
export const LinkPath = ResourcePath.extend({ linkId: Id });
export const GrantBody = z.object({ role: ResourceRole }).strict();
export const WorkspaceAccessBody = z.object({ access: WorkspaceAccess }).strict();
export const CreateLinkBody = z
  .object({
    role: ResourceRole.exclude(['owner']),
    /** How long the link works; at most a year, a week by default. */
    expiresInSeconds: z.number().int().min(60).max(365 * 24 * 3600).default(7 * 24 * 3600),
  })
  .strict();
export const AcceptedResponse = z.object({ accepted: z.literal(true), commandId: z.string() });
export const CreatedLinkResponse = z.object({ linkId: z.string(), token: z.string(), role: ResourceRole, expiresAt: z.string(), commandId: z.string() });
export const ErrorResponse = z.object({ statusCode: z.number(), code: z.string(), message: z.string() });
