import { Id, ResourceRef, ResourceRole } from '@tandem/contracts';
import { SignJWT, errors, jwtVerify } from 'jose';
import { z } from 'zod';

const LinkClaims = z.object({ tenant: Id, kind: z.literal('doc'), rid: Id, lid: Id, role: ResourceRole.exclude(['owner']), exp: z.number() });

export interface ShareLinkGrant {
  tenant: string;
  resource: ResourceRef;
  linkId: string;
  role: Exclude<ResourceRole, 'owner'>;
  expiresAt: number;
}

export class ShareLinkError extends Error {
  constructor(
    readonly code: 'LINK_INVALID' | 'LINK_EXPIRED',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Share links as signed capability tokens: a JWT naming the tenant, resource, link id and role.
 * The signature stops forgery; the resource's ACL (which lists the link) decides whether it is still
 * valid, so revoking the link there ends it for everyone.
 */
export class ShareLinks {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(grant: ShareLinkGrant): Promise<string> {
    return new SignJWT({ tenant: grant.tenant, kind: grant.resource.kind, rid: grant.resource.id, lid: grant.linkId, role: grant.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'tandem-link' })
      .setExpirationTime(Math.floor(grant.expiresAt / 1000))
      .sign(this.key);
  }

  async verify(token: string): Promise<ShareLinkGrant> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], typ: 'tandem-link' });
      const c = LinkClaims.parse(payload);
      return { tenant: c.tenant, resource: { kind: c.kind, id: c.rid }, linkId: c.lid, role: c.role, expiresAt: c.exp * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new ShareLinkError('LINK_EXPIRED', 'this share link has expired; ask for a new one');
      throw new ShareLinkError('LINK_INVALID', 'this share link is not valid');
    }
  }
}
