import { JWTPayload, JWTVerifyGetKey, SignJWT, createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { Id } from '@tandem/contracts';

/** Who is calling: taken from a verified token, never from anything the client says. */
export interface Principal {
  userId: string;
  tenant: string;
  name: string;
  roles: string[];
  /** Seconds since the epoch when the token expires. */
  expiresAt: number;
}

export type AuthErrorCode = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

export class AuthError extends Error {
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AuthError';
  }
}

const Claims = z.object({
  sub: Id,
  tenant: Id,
  name: z.string().min(1).max(200).optional(),
  roles: z.array(z.string().max(64)).max(64).default([]),
  exp: z.number(),
});

export interface TokenVerifierOptions {
  /** HS256 shared secret. */
  secret?: string;
  /** OIDC / JWKS URL; keys are fetched and rotated by jose. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

/** Verifies JWTs (HS256 secret or JWKS) and turns their claims into a {@link Principal}. */
export class TokenVerifier {
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(private readonly options: TokenVerifierOptions) {
    if (options.jwksUrl) this.key = createRemoteJWKSet(new URL(options.jwksUrl));
    else if (options.secret) this.key = new TextEncoder().encode(options.secret);
    else throw new Error('TokenVerifier needs JWT_SECRET or JWKS_URL');
  }

  async verify(token: string | undefined): Promise<Principal> {
    if (!token) throw new AuthError('TOKEN_MISSING', 'no token: sign in and pass the token in the handshake `auth.token`');
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.key as Uint8Array, {
        issuer: this.options.issuer,
        audience: this.options.audience,
        algorithms: this.options.jwksUrl ? undefined : ['HS256'],
        requiredClaims: ['exp', 'sub'],
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AuthError('TOKEN_EXPIRED', 'the token has expired: refresh it and reconnect');
      throw new AuthError('TOKEN_INVALID', `the token is not valid: ${(error as Error).message}`);
    }
    const claims = Claims.safeParse(payload);
    if (!claims.success) throw new AuthError('TOKEN_INVALID', `the token lacks required claims (sub, tenant): ${z.prettifyError(claims.error)}`);
    const c = claims.data;
    return { userId: c.sub, tenant: c.tenant, name: c.name ?? c.sub, roles: c.roles, expiresAt: c.exp };
  }
}

/** Issues HS256 tokens: used by the embedded dev sign-in and by tests, never by production gateways. */
export async function signToken(
  secret: string,
  claims: { sub: string; tenant: string; name?: string; roles?: string[]; audience?: string },
  ttlSeconds = 12 * 3600,
): Promise<string> {
  const jwt = new SignJWT({ tenant: claims.tenant, name: claims.name ?? claims.sub, roles: claims.roles ?? ['member'] });
  if (claims.audience) jwt.setAudience(claims.audience);
  return jwt
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}
