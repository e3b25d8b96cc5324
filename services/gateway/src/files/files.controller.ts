import { BadRequestException, Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Req, UseGuards } from '@nestjs/common';
import { FilesSettingsRequest, Id, UploadRequest } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { z } from 'zod';
import { HttpAuthGuard } from '../admin/http-auth.guard';
import { FilesAccessService } from './files-access.service';

type Authed = { principal: Principal };

function parse<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw new BadRequestException({ code: 'INVALID_REQUEST', message: z.prettifyError(result.error) });
  return result.data;
}

const ContainerQuery = z.object({ kind: z.enum(['doc', 'channel']), id: Id });

/**
 * The files HTTP API (bearer JWT): upload tickets, resume, complete, lists, read URLs, deletion,
 * usage and settings. Bytes go straight between the client and the object store's presigned URLs.
 */
@Controller('api/v1/files')
@UseGuards(HttpAuthGuard)
export class FilesController {
  constructor(private readonly files: FilesAccessService) {}

  @Post('uploads')
  @HttpCode(201)
  upload(@Req() req: Authed, @Body() body: unknown) {
    return this.files.requestUpload(req.principal, parse(UploadRequest, body));
  }

  @Get()
  list(@Req() req: Authed, @Query() query: unknown) {
    return this.files.list(req.principal, parse(ContainerQuery, query));
  }

  @Get('usage')
  usage(@Req() req: Authed) {
    return this.files.usage(req.principal);
  }

  @Put('settings')
  settings(@Req() req: Authed, @Body() body: unknown) {
    return this.files.putSettings(req.principal, parse(FilesSettingsRequest, body));
  }

  @Get(':fileId')
  get(@Req() req: Authed, @Param('fileId') fileId: string) {
    return this.files.get(req.principal, parse(Id, fileId));
  }

  @Get(':fileId/upload')
  resume(@Req() req: Authed, @Param('fileId') fileId: string) {
    return this.files.uploaderCall(req.principal, parse(Id, fileId), 'resume');
  }

  @Post(':fileId/complete')
  @HttpCode(200)
  complete(@Req() req: Authed, @Param('fileId') fileId: string) {
    return this.files.uploaderCall(req.principal, parse(Id, fileId), 'complete');
  }

  @Get(':fileId/urls')
  urls(@Req() req: Authed, @Param('fileId') fileId: string) {
    return this.files.urls(req.principal, parse(Id, fileId));
  }

  @Delete(':fileId')
  @HttpCode(202)
  delete(@Req() req: Authed, @Param('fileId') fileId: string) {
    return this.files.delete(req.principal, parse(Id, fileId));
  }
}
