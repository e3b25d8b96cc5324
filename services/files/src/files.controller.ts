import { ArgumentsHost, Body, Catch, Controller, Delete, ExceptionFilter, Get, HttpCode, Param, Post, Put, Query, UseFilters, UseGuards } from '@nestjs/common';
import { FilesSettingsRequest, Id, UploadRequest } from '@tandem/contracts';
import { InternalGuard } from '@tandem/platform';
import type { Response } from 'express';
import { z } from 'zod';
import { FilesError } from './files.errors';
import { FilesService } from './files.service';

/** Answers a {@link FilesError} with its status and `{ code, message }`. */
@Catch(FilesError)
export class FilesErrorFilter implements ExceptionFilter {
  catch(error: FilesError, host: ArgumentsHost): void {
    host.switchToHttp().getResponse<Response>().status(error.status).json({ code: error.code, message: error.message });
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) throw new FilesError('INVALID_REQUEST', `${what}: ${z.prettifyError(result.error)}`);
  return result.data;
}

const UploadBody = z.object({ userId: Id, request: UploadRequest }).strict();
const ContainerKind = z.enum(['doc', 'channel']);

/**
 * The files service's API for the gateways (service-to-service, behind the INTERNAL_TOKEN). The
 * gateway authenticates the user and checks access to the attachment target first.
 */
@Controller('internal/files/:tenant')
@UseGuards(InternalGuard)
@UseFilters(FilesErrorFilter)
export class FilesController {
  constructor(private readonly files: FilesService) {}

  @Post('uploads')
  @HttpCode(201)
  upload(@Param('tenant') tenant: string, @Body() body: unknown) {
    const { userId, request } = parse(UploadBody, body, 'upload request');
    return this.files.requestUpload(parse(Id, tenant, 'tenant'), userId, request);
  }

  @Get('usage')
  usage(@Param('tenant') tenant: string) {
    return this.files.usage(parse(Id, tenant, 'tenant'));
  }

  @Put('settings')
  settings(@Param('tenant') tenant: string, @Body() body: unknown) {
    return this.files.putSettings(parse(Id, tenant, 'tenant'), parse(FilesSettingsRequest, body ?? {}, 'settings'));
  }

  @Get('containers/:kind/:id')
  list(@Param('tenant') tenant: string, @Param('kind') kind: string, @Param('id') id: string) {
    return this.files.list(parse(Id, tenant, 'tenant'), `${parse(ContainerKind, kind, 'container kind')}:${parse(Id, id, 'container id')}`);
  }

  @Get('files/:fileId')
  get(@Param('tenant') tenant: string, @Param('fileId') fileId: string) {
    return this.files.get(parse(Id, tenant, 'tenant'), parse(Id, fileId, 'file id'));
  }

  @Get('files/:fileId/upload')
  resume(@Param('tenant') tenant: string, @Param('fileId') fileId: string) {
    return this.files.resumeUpload(parse(Id, tenant, 'tenant'), parse(Id, fileId, 'file id'));
  }

  @Post('files/:fileId/complete')
  @HttpCode(200)
  complete(@Param('tenant') tenant: string, @Param('fileId') fileId: string) {
    return this.files.complete(parse(Id, tenant, 'tenant'), parse(Id, fileId, 'file id'));
  }

  @Get('files/:fileId/urls')
  urls(@Param('tenant') tenant: string, @Param('fileId') fileId: string) {
    return this.files.urls(parse(Id, tenant, 'tenant'), parse(Id, fileId, 'file id'));
  }

  @Delete('files/:fileId')
  @HttpCode(202)
  async delete(@Param('tenant') tenant: string, @Param('fileId') fileId: string, @Query('by') by: unknown) {
    await this.files.delete(parse(Id, tenant, 'tenant'), parse(Id, fileId, 'file id'), parse(Id, by, 'by (the deleting user)'));
    return { deleted: true };
  }
}
