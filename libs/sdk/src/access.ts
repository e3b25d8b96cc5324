import type { AclState, ResourceKind, ResourceRole, WorkspaceAccess } from '@tandem/contracts';

/** An error of the access API; `code` is the server's (`FORBIDDEN`, `NOT_FOUND`, `INVALID_REQUEST`, …), or `NETWORK`. */
export class AccessError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'AccessError';
  }
}

/** A resource whose access can be read and managed. */
export interface ResourceRef {
  kind: ResourceKind;
  id: string;
}

/** A share link just created: `token` is passed as `link` when opening the resource (e.g. `client.counter(id, { link })`). */
export interface CreatedLink {
  linkId: string;
  token: string;
  role: ResourceRole;
  expiresAt: string;
  commandId: string;
}

/**
 * Access to documents and boards over the gateway's `/api/v1/resources` API: read the ACL (viewers),
 * grant and revoke roles, set what workspace members get, create and revoke share links (owners).
 * Changes are asynchronous: they are accepted (202) and take effect when the owning service has
 * applied them; the grantee is notified (`doc.shared`). Obtained from `client.access`.
 */
export class AccessApi {
  constructor(
    private readonly baseUrl: string,
    private readonly getToken: () => string | Promise<string>,
  ) {}

  /** The resource's ACL: workspace access, explicit grants and live share links. */
  acl(resource: ResourceRef): Promise<AclState> {
    return this.request('GET', `${path(resource)}/acl`);
  }

  /** Gives `userId` a role on the resource (owners only). */
  grant(resource: ResourceRef, userId: string, role: ResourceRole): Promise<{ accepted: true; commandId: string }> {
    return this.request('PUT', `${path(resource)}/grants/${encodeURIComponent(userId)}`, { role });
  }

  /** Removes `userId`'s explicit grant (owners only); the user is removed from the room if that leaves no access. */
  revoke(resource: ResourceRef, userId: string): Promise<{ accepted: true; commandId: string }> {
    return this.request('DELETE', `${path(resource)}/grants/${encodeURIComponent(userId)}`);
  }

  /** What workspace members without a grant get (owners only). */
  setWorkspaceAccess(resource: ResourceRef, access: WorkspaceAccess): Promise<{ accepted: true; commandId: string }> {
    return this.request('PUT', `${path(resource)}/workspace-access`, { access });
  }

  /** A share link granting `role` (not owner) until it expires (default a week) or is revoked. */
  createLink(resource: ResourceRef, role: Exclude<ResourceRole, 'owner'>, expiresInSeconds?: number): Promise<CreatedLink> {
    return this.request('POST', `${path(resource)}/links`, { role, ...(expiresInSeconds ? { expiresInSeconds } : {}) });
  }

  revokeLink(resource: ResourceRef, linkId: string): Promise<{ accepted: true; commandId: string }> {
    return this.request('DELETE', `${path(resource)}/links/${encodeURIComponent(linkId)}`);
  }

  private async request<T>(method: string, p: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/resources/${p}`, {
        method,
        headers: { authorization: `Bearer ${await this.getToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new AccessError('NETWORK', `the server could not be reached (${(error as Error).message}); try again`, 0);
    }
    const answer = (await res.json().catch(() => ({}))) as T & { code?: string; message?: string };
    if (!res.ok) throw new AccessError(answer.code ?? (res.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE'), answer.message ?? `the server answered ${res.status}`, res.status);
    return answer;
  }
}

const path = (r: ResourceRef) => `${encodeURIComponent(r.kind)}/${encodeURIComponent(r.id)}`;
