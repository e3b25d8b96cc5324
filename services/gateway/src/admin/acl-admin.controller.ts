import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import type { Principal } from '@tandem/platform';
import { z } from 'zod';
import { CreateLinkBody, GrantBody, GrantPath, LinkPath, ResourcePath, WorkspaceAccessBody } from './acl-admin.schemas';
import { AclAdminService } from './acl-admin.service';
import { HttpAuthGuard } from './http-auth.guard';
import { buildOpenApiDocument } from './openapi';

type Authed = { principal: Principal };

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new BadRequestException({ code: 'INVALID_REQUEST', message: z.prettifyError(result.error) });
  return result.data;
}

/** The admin HTTP API: grants, workspace access and share links of a resource (see GET /api/v1/openapi.json). */
@Controller('api/v1')
export class AclAdminController {
  constructor(private readonly admin: AclAdminService) {}

  @Get('openapi.json')
  openapi() {
    return buildOpenApiDocument();
  }

  @Get('resources/:kind/:id/acl')
  @UseGuards(HttpAuthGuard)
  read(@Req() req: Authed, @Param() params: unknown) {
    return this.admin.read(req.principal, parse(ResourcePath, params));
  }

  @Put('resources/:kind/:id/grants/:userId')
  @HttpCode(202)
  @UseGuards(HttpAuthGuard)
  grant(@Req() req: Authed, @Param() params: unknown, @Body() body: unknown) {
    const { userId, ...resource } = parse(GrantPath, params);
    return this.admin.grant(req.principal, resource, userId, parse(GrantBody, body).role);
  }

  @Delete('resources/:kind/:id/grants/:userId')
  @HttpCode(202)
  @UseGuards(HttpAuthGuard)
  revoke(@Req() req: Authed, @Param() params: unknown) {
    const { userId, ...resource } = parse(GrantPath, params);
    return this.admin.grant(req.principal, resource, userId, null);
  }

  @Put('resources/:kind/:id/workspace-access')
  @HttpCode(202)
  @UseGuards(HttpAuthGuard)
  workspaceAccess(@Req() req: Authed, @Param() params: unknown, @Body() body: unknown) {
    return this.admin.setWorkspaceAccess(req.principal, parse(ResourcePath, params), parse(WorkspaceAccessBody, body).access);
  }

  @Post('resources/:kind/:id/links')
  @HttpCode(201)
  @UseGuards(HttpAuthGuard)
  createLink(@Req() req: Authed, @Param() params: unknown, @Body() body: unknown) {
    const { role, expiresInSeconds } = parse(CreateLinkBody, body);
    return this.admin.createLink(req.principal, parse(ResourcePath, params), role, expiresInSeconds);
  }

  @Delete('resources/:kind/:id/links/:linkId')
  @HttpCode(202)
  @UseGuards(HttpAuthGuard)
  revokeLink(@Req() req: Authed, @Param() params: unknown) {
    const { linkId, ...resource } = parse(LinkPath, params);
    return this.admin.revokeLink(req.principal, resource, linkId);
  }
}
