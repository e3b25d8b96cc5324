import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { AuthError, TokenVerifier, signToken } from './token';

const secret = 'a-test-secret-that-is-long-enough-000';

describe(TokenVerifier.name, () => {
  it('accepts an HS256 token and reads the principal from its claims', async () => {
    const sut = new TokenVerifier({ secret });
    const principal = await sut.verify(await signToken(secret, { sub: 'u1', tenant: 'acme', name: 'Ann', roles: ['admin'] }));
    expect(principal).toMatchObject({ userId: 'u1', tenant: 'acme', name: 'Ann', roles: ['admin'] });
  });

  it.each([
    ['missing', undefined, 'TOKEN_MISSING'],
    ['garbage', 'not-a-jwt', 'TOKEN_INVALID'],
  ])('rejects a %s token', async (_, token, code) => {
    await expect(new TokenVerifier({ secret }).verify(token)).rejects.toMatchObject({ code });
  });

  it('rejects a token signed with another secret', async () => {
    const token = await signToken('another-secret-that-is-long-enough-11', { sub: 'u1', tenant: 'acme' });
    await expect(new TokenVerifier({ secret }).verify(token)).rejects.toMatchObject({ code: 'TOKEN_INVALID' });
  });

  it('rejects an expired token with a code that says to refresh', async () => {
    const token = await signToken(secret, { sub: 'u1', tenant: 'acme' }, -10);
    await expect(new TokenVerifier({ secret }).verify(token)).rejects.toMatchObject({ code: 'TOKEN_EXPIRED' });
  });

  it('rejects a token without a tenant', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u1').setExpirationTime('1h').sign(new TextEncoder().encode(secret));
    await expect(new TokenVerifier({ secret }).verify(token)).rejects.toBeInstanceOf(AuthError);
  });

  it('verifies RS256 tokens against a JWKS URL', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    const server = createServer((_, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
      const token = await new SignJWT({ tenant: 'acme' }).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('u2').setExpirationTime('1h').sign(privateKey);
      expect(await new TokenVerifier({ jwksUrl: url }).verify(token)).toMatchObject({ userId: 'u2', tenant: 'acme' });
    } finally {
      server.close();
    }
  });
});
