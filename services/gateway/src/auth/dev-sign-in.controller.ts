import { BadRequestException, Body, Controller, Post } from '@nestjs/common';
import { Id } from '@tandem/contracts';
import { z } from 'zod';
import { AuthService } from './auth.service';

const DevSignIn = z.object({ name: z.string().trim().min(1).max(80), tenant: Id.default('local') }).strict();

/**
 * DEV SIGN-IN — embedded mode only. Issues a token for any name, without a password, so `npm start`
 * works on a laptop. Never registered when the gateway runs against real infrastructure.
 */
@Controller('auth')
export class DevSignInController {
  constructor(private readonly auth: AuthService) {}

  @Post('dev-sign-in')
  async signIn(@Body() body: unknown) {
    const parsed = DevSignIn.safeParse(body ?? {});
    if (!parsed.success) throw new BadRequestException(`send {"name": "your name"}: ${z.prettifyError(parsed.error)}`);
    return this.auth.devSignIn(parsed.data.name, parsed.data.tenant);
  }
}
