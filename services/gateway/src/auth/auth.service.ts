import { Inject, Injectable } from '@nestjs/common';
import { AuthError, Principal, TokenVerifier, signToken } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** Verifies the tokens of sockets and HTTP calls, and issues dev tokens in embedded mode. */
@Injectable()
export class AuthService {
  private readonly verifier: TokenVerifier;

  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {
    const { config } = options;
    const secret = config.JWT_SECRET ?? options.jwtSecret;
    if (!secret && !config.JWKS_URL) throw new Error('The gateway needs JWT_SECRET (HS256) or JWKS_URL to verify tokens; set one and start again.');
    this.verifier = new TokenVerifier({ secret, jwksUrl: config.JWKS_URL, issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  }

  verify(token: string | undefined): Promise<Principal> {
    return this.verifier.verify(token);
  }

  /** A token for anyone who asks: only in embedded mode, where the gateway is someone's own machine. */
  async devSignIn(name: string, tenant: string): Promise<{ token: string; userId: string; tenant: string; name: string }> {
    const secret = this.options.config.JWT_SECRET ?? this.options.jwtSecret;
    if (!this.options.devSignIn || !secret) throw new AuthError('TOKEN_INVALID', 'dev sign-in is only available in embedded mode');
    const userId = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'user';
    const token = await signToken(secret, { sub: userId, tenant, name, roles: ['member'] });
    return { token, userId, tenant, name };
  }
}
