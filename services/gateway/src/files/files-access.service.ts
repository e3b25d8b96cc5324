import { HttpException, Inject, Injectable } from '@nestjs/common';
import { AttachmentContainer, AttachmentTarget, FileUrls, FileView, FilesSettingsRequest, ResourceRole, UploadRequest, compareRoles, containerOf } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';
import { AccessService } from '../access/access.service';
import { workspaceRoleOf } from '../access/effective-role';
import { ChatUnavailableError } from '../chat/chat-read.repository';
import { CHAT_ACCESS, ChatAccess } from './chat-access';
import { FilesAnswer, FilesRepository, FilesUnavailableError } from './files.repository';

/** Roles the file operations need on the file's container (document or channel). */
const NEEDED = { read: 'viewer', write: 'editor' } as const satisfies Record<string, ResourceRole>;

function refuse(status: number, code: string, message: string): never {
  throw new HttpException({ code, message }, status);
}

/** Passes a files-service answer on: the result on success, the same status and `{ code, message }` otherwise. */
function unwrap<T>(answer: FilesAnswer<T>): T {
  if (answer.status >= 400) throw new HttpException(answer.body as object, answer.status);
  return answer.body;
}

/**
 * The gateway's side of files: authorises every call by the user's role on the attachment target's
 * container (documents: their ACL, kept current by `acl.v1`, so a revoked user gets no new URL;
 * channels: {@link ChatAccess}), then forwards it to the files service.
 */
@Injectable()
export class FilesAccessService {
  constructor(
    private readonly access: AccessService,
    @Inject(CHAT_ACCESS) private readonly chat: ChatAccess,
    private readonly files: FilesRepository,
  ) {}

  async requestUpload(principal: Principal, request: UploadRequest) {
    await this.require(principal, containerOf(request.target), 'write');
    return unwrap(await this.forward('POST', principal.tenant, '/uploads', { userId: principal.userId, request }));
  }

  async list(principal: Principal, container: AttachmentContainer) {
    await this.require(principal, container, 'read');
    return unwrap(await this.forward('GET', principal.tenant, `/containers/${container.kind}/${encodeURIComponent(container.id)}`));
  }

  async get(principal: Principal, fileId: string): Promise<FileView> {
    const file = await this.fileOf(principal, fileId);
    await this.require(principal, containerOf(file.target), 'read');
    return file;
  }

  /** Read URLs, issued only while the user may read the file's container. */
  async urls(principal: Principal, fileId: string): Promise<FileUrls> {
    await this.get(principal, fileId);
    return unwrap(await this.forward<FileUrls>('GET', principal.tenant, `/files/${encodeURIComponent(fileId)}/urls`));
  }

  /** Resuming and completing an upload are for its uploader, while still allowed to attach there. */
  async uploaderCall(principal: Principal, fileId: string, action: 'resume' | 'complete') {
    const file = await this.fileOf(principal, fileId);
    if (file.createdBy !== principal.userId) refuse(403, 'FORBIDDEN', 'only the user who started this upload can continue it');
    await this.require(principal, containerOf(file.target), 'write');
    const path = `/files/${encodeURIComponent(fileId)}/${action === 'resume' ? 'upload' : 'complete'}`;
    return unwrap(await this.forward(action === 'resume' ? 'GET' : 'POST', principal.tenant, path));
  }

  /** The uploader (still able to attach there) or an owner of the container may delete. */
  async delete(principal: Principal, fileId: string) {
    const file = await this.fileOf(principal, fileId);
    const role = await this.roleOn(principal, containerOf(file.target));
    const mayDelete = compareRoles(role, 'owner') >= 0 || (file.createdBy === principal.userId && compareRoles(role, NEEDED.write) >= 0);
    if (!mayDelete) refuse(403, 'FORBIDDEN', 'only the uploader or an owner of this document or channel can delete the file');
    return unwrap(await this.forward('DELETE', principal.tenant, `/files/${encodeURIComponent(fileId)}?by=${encodeURIComponent(principal.userId)}`));
  }

  async usage(principal: Principal) {
    if (workspaceRoleOf(principal) === 'guest') refuse(403, 'FORBIDDEN', 'guests cannot see the workspace storage');
    return unwrap(await this.forward('GET', principal.tenant, '/usage'));
  }

  async putSettings(principal: Principal, change: FilesSettingsRequest) {
    if (workspaceRoleOf(principal) !== 'admin') refuse(403, 'FORBIDDEN', 'only workspace admins can change the quota and allowed types');
    return unwrap(await this.forward('PUT', principal.tenant, '/settings', change));
  }

  private async fileOf(principal: Principal, fileId: string): Promise<FileView> {
    return unwrap(await this.forward<FileView>('GET', principal.tenant, `/files/${encodeURIComponent(fileId)}`));
  }

  private async require(principal: Principal, container: AttachmentContainer, need: keyof typeof NEEDED): Promise<void> {
    const role = await this.roleOn(principal, container);
    if (compareRoles(role, NEEDED[need]) >= 0) return;
    const what = container.kind === 'doc' ? 'document' : 'channel';
    refuse(403, 'FORBIDDEN', role === 'none' ? `you do not have access to this ${what}; ask its owner to share it` : `this needs the ${NEEDED[need]} role on the ${what}; you are ${role}`);
  }

  private async roleOn(principal: Principal, container: AttachmentContainer): Promise<ResourceRole | 'none'> {
    if (container.kind === 'channel') {
      try {
        return await this.chat.roleIn(principal, container.id);
      } catch (error) {
        if (error instanceof ChatUnavailableError) refuse(503, 'UNAVAILABLE', error.message);
        throw error;
      }
    }
    const result = await this.access.authorizeJoin(principal, { kind: 'doc', id: container.id });
    if (result.ok) return result.role;
    if (result.error.code === 'FORBIDDEN') return 'none';
    refuse(503, result.error.code, result.error.message);
  }

  private async forward<T>(method: string, tenant: string, path: string, body?: unknown): Promise<FilesAnswer<T>> {
    try {
      return await this.files.call<T>(method, tenant, path, body);
    } catch (error) {
      if (error instanceof FilesUnavailableError) refuse(503, 'UNAVAILABLE', error.message);
      throw error;
    }
  }
}

export type { AttachmentTarget };
