import { CanActivate, ExecutionContext, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { CONFIG } from '../platform.tokens';
import type { Config } from '../config/config';

/**
 * Guards service-to-service endpoints (`/internal/...`): when `INTERNAL_TOKEN` is set, callers must
 * send it as `Authorization: Bearer <token>`. Browsers never get it.
 */
@Injectable()
export class InternalGuard implements CanActivate {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.INTERNAL_TOKEN;
    if (!expected) return true;
    const header = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>().headers.authorization ?? '';
    const given = Buffer.from(header.replace(/^Bearer /, ''));
    const want = Buffer.from(expected);
    if (given.length !== want.length || !timingSafeEqual(given, want)) throw new UnauthorizedException('internal endpoint: send the INTERNAL_TOKEN as a bearer token');
    return true;
  }
}

/** Headers for calling another service's internal endpoints. */
export function internalHeaders(config: Config): Record<string, string> {
  return config.INTERNAL_TOKEN ? { authorization: `Bearer ${config.INTERNAL_TOKEN}` } : {};
}
