import { CanActivate, ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuthError, Principal } from '@tandem/platform';
import { AuthService } from '../auth/auth.service';

/** Verifies `Authorization: Bearer <jwt>` on HTTP endpoints and puts the principal on the request. */
@Injectable()
export class HttpAuthGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const header = request.headers.authorization ?? '';
    try {
      request.principal = await this.auth.verify(header.startsWith('Bearer ') ? header.slice(7) : undefined);
      return true;
    } catch (error) {
      if (error instanceof AuthError) throw new UnauthorizedException({ code: error.code, message: error.message });
      throw error;
    }
  }
}
