/** Who a token says the user is (read from its claims, not verified: the gateway verifies). */
export interface SessionIdentity {
  userId: string;
  tenant: string;
  name: string;
  roles: string[];
  /** When the token expires (ms since the epoch), if it says. */
  expiresAt: number | null;
}

/** A session from the dev sign-in: the token and who it names. */
export interface DevSession extends SessionIdentity {
  token: string;
}

/** An error signing in: `code` is `UNAVAILABLE` when the gateway has no dev sign-in (production), `INVALID_REQUEST` for a bad name. */
export class SignInError extends Error {
  constructor(
    readonly code: 'UNAVAILABLE' | 'INVALID_REQUEST' | 'NETWORK',
    message: string,
  ) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * DEV SIGN-IN — embedded mode (`npm start`) only: a token for any name, without a password. A gateway
 * on real infrastructure has no such endpoint; there, tokens come from your identity provider.
 */
export async function devSignIn(url: string, name: string, tenant?: string): Promise<DevSession> {
  let res: Response;
  try {
    res = await fetch(`${url.replace(/\/$/, '')}/auth/dev-sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name, ...(tenant ? { tenant } : {}) }),
    });
  } catch (error) {
    throw new SignInError('NETWORK', `the server could not be reached (${(error as Error).message})`);
  }
  const answer = (await res.json().catch(() => ({}))) as { token?: string; message?: string | string[] };
  if (res.status === 404) throw new SignInError('UNAVAILABLE', 'this server has no dev sign-in (it runs on real infrastructure): sign in with a token');
  if (!res.ok || !answer.token) {
    const message = Array.isArray(answer.message) ? answer.message.join('; ') : answer.message;
    throw new SignInError(res.status === 400 ? 'INVALID_REQUEST' : 'UNAVAILABLE', message ?? `the server answered ${res.status}`);
  }
  return { token: answer.token, ...identityOf(answer.token) };
}

/** Reads a JWT's claims (`sub`, `tenant`, `name`, `roles`, `exp`); throws a clear error if it is not a JWT. */
export function identityOf(token: string): SessionIdentity {
  const part = token.split('.')[1];
  if (!part) throw new SignInError('INVALID_REQUEST', 'that is not a token (expected three dot-separated parts)');
  let claims: { sub?: unknown; tenant?: unknown; name?: unknown; roles?: unknown; exp?: unknown };
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
    claims = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))));
  } catch {
    throw new SignInError('INVALID_REQUEST', 'the token’s claims could not be read');
  }
  if (typeof claims.sub !== 'string') throw new SignInError('INVALID_REQUEST', 'the token names no user (no "sub" claim)');
  return {
    userId: claims.sub,
    tenant: typeof claims.tenant === 'string' ? claims.tenant : 'default',
    name: typeof claims.name === 'string' ? claims.name : claims.sub,
    roles: Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [],
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : null,
  };
}
