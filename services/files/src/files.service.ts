import { Inject, Injectable } from '@nestjs/common';
import { FileFailureReason, FileList, FileUrls, FileView, FilesSettingsRequest, FilesUsage, PartUrl, UploadRequest, UploadTicket, containerOf } from '@tandem/contracts';
import { LOGGER, Logger, OBJECT_STORE, ObjectStore } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { ContentWorkers, SNIFF_WORKERS } from './content/content-workers';
import { SNIFF_BYTES } from './content/content.worker.constants';
import { typeAllowed } from './content/sniff';
import { FilesError } from './files.errors';
import { FilesMetrics } from './files.metrics';
import { FilesPublisher } from './files.publisher';
import { FilesSettings } from './files.settings';
import { attachmentDisposition, sanitizeName } from './names';
import { viewOf } from './files.view';
import { PreviewService } from './preview.service';
import { FILE_STORE, FileStore, StoredFile } from './store/file-store.port';

/**
 * Uploads straight to the object store: tickets with presigned URLs (checked against size, quota and
 * the tenant's types), resumable multipart uploads, verification of what arrived (real type by
 * content, size as declared), read URLs, lists, deletion and usage. Access to the attachment target
 * is checked by the gateway before any call reaches here.
 */
@Injectable()
export class FilesService {
  constructor(
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(OBJECT_STORE) private readonly objects: ObjectStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly settings: FilesSettings,
    @Inject(SNIFF_WORKERS) private readonly content: ContentWorkers,
    private readonly previews: PreviewService,
    private readonly publisher: FilesPublisher,
    private readonly metrics: FilesMetrics,
  ) {}

  /** Checks an upload request and answers with where to PUT the bytes. */
  async requestUpload(tenant: string, userId: string, request: UploadRequest): Promise<UploadTicket> {
    const declaredType = request.type.trim().toLowerCase();
    if (request.size > this.settings.maxBytes) {
      this.metrics.failures.inc({ reason: 'TOO_LARGE' });
      throw new FilesError('TOO_LARGE', `files may be at most ${this.settings.maxBytes} bytes; this one is ${request.size}`);
    }
    const limits = await this.limitsOf(tenant);
    if (!typeAllowed(declaredType, limits.allowedTypes)) {
      this.metrics.failures.inc({ reason: 'TYPE_NOT_ALLOWED' });
      throw new FilesError('TYPE_NOT_ALLOWED', `${declaredType} files are not allowed here; allowed: ${limits.allowedTypes.join(', ')}`);
    }
    const usage = await this.store.usage(tenant);
    if (usage.bytes + request.size > limits.quotaBytes) {
      this.metrics.failures.inc({ reason: 'QUOTA_EXCEEDED' });
      throw new FilesError('QUOTA_EXCEEDED', `this workspace has ${Math.max(0, limits.quotaBytes - usage.bytes)} of ${limits.quotaBytes} bytes left; delete files or ask an admin for more`);
    }
    const fileId = `f_${randomUUID().replace(/-/g, '')}`;
    const objectKey = `${tenant}/files/${fileId}/original`;
    const multipart = request.size > this.settings.partBytes;
    const partCount = Math.ceil(request.size / this.settings.partBytes);
    const upload = multipart
      ? { mode: 'multipart' as const, uploadId: await this.objects.createMultipartUpload(objectKey), partSize: this.settings.partBytes, partCount }
      : { mode: 'single' as const };
    const now = new Date();
    const file: StoredFile = {
      tenant,
      fileId,
      target: request.target,
      container: containerKey(request.target),
      name: sanitizeName(request.name),
      declaredType,
      type: null,
      size: request.size,
      status: 'pending',
      createdBy: userId,
      createdAt: now,
      uploadExpiresAt: new Date(now.getTime() + this.settings.uploadTtlSeconds * 1000),
      objectKey,
      upload,
      preview: null,
      previewKeys: {},
      failure: null,
    };
    await this.store.create(file);
    return this.ticketOf(file, []);
  }

  /** A pending upload's ticket again, with fresh URLs for the parts not stored yet (to resume). */
  async resumeUpload(tenant: string, fileId: string): Promise<UploadTicket> {
    const file = await this.require(tenant, fileId);
    if (file.status !== 'pending') throw new FilesError('CONFLICT', `this upload is already complete (status ${file.status})`);
    const done = file.upload.mode === 'multipart' ? (await this.objects.listParts(file.objectKey, file.upload.uploadId)).map((p) => p.partNumber) : [];
    return this.ticketOf(file, done);
  }

  /**
   * Completes an upload: joins the parts, then verifies what arrived (size as declared, real type by
   * content, on the tenant's list). A refused file is deleted and `tandem.files.failed` published; an
   * accepted one is published as uploaded and its previews are made in the background.
   */
  async complete(tenant: string, fileId: string): Promise<FileView> {
    const file = await this.require(tenant, fileId);
    if (file.status === 'processing' || file.status === 'ready') return viewOf(file);
    if (file.status === 'rejected') throw new FilesError(file.failure?.reason === 'SIZE_MISMATCH' ? 'SIZE_MISMATCH' : 'TYPE_NOT_ALLOWED', file.failure?.message ?? 'this file was refused');
    const started = performance.now();
    if (file.upload.mode === 'multipart') {
      const { uploadId, partCount } = file.upload;
      const parts = await this.objects.listParts(file.objectKey, uploadId).catch(() => null);
      if (!parts) {
        if (!(await this.objects.stat(file.objectKey))) throw new FilesError('UPLOAD_INCOMPLETE', 'the upload is gone; start a new one');
      } else {
        const have = new Set(parts.map((p) => p.partNumber));
        const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
        if (missing.length > 0) throw new FilesError('UPLOAD_INCOMPLETE', `parts ${missing.join(', ')} are missing; GET the upload again for their URLs and send them`);
        await this.objects.completeMultipartUpload(file.objectKey, uploadId, parts.filter((p) => p.partNumber <= partCount));
      }
    }
    const info = await this.objects.stat(file.objectKey);
    if (!info) throw new FilesError('UPLOAD_INCOMPLETE', 'nothing was uploaded yet; PUT the bytes to the upload URL first');
    if (info.size !== file.size) return this.reject(file, 'SIZE_MISMATCH', `${info.size} bytes arrived but ${file.size} were declared`);
    const head = await this.objects.getRange(file.objectKey, 0, SNIFF_BYTES);
    const { type } = await this.content.sniff(head, file.name);
    const limits = await this.limitsOf(tenant);
    if (!typeAllowed(type, limits.allowedTypes)) return this.reject(file, 'TYPE_NOT_ALLOWED', `the content is ${type} (declared ${file.declaredType}), which is not allowed here`);
    const verified = await this.store.transition(tenant, fileId, 'pending', { status: 'processing', type, size: info.size });
    if (!verified) return viewOf((await this.require(tenant, fileId)) as StoredFile);
    this.metrics.verifySeconds.observe((performance.now() - started) / 1000);
    this.metrics.verified.inc({ kind: type.split('/')[0] });
    this.metrics.uploadBytes.observe({ mode: file.upload.mode }, info.size);
    await this.publisher.publish(tenant, fileId, 'tandem.files.uploaded', { file: viewOf(verified) });
    this.previews.enqueue(verified);
    return viewOf(verified);
  }

  async get(tenant: string, fileId: string): Promise<FileView> {
    return viewOf(await this.require(tenant, fileId));
  }

  /** Short-lived URLs of a verified file and its previews (the gateway checked read access). */
  async urls(tenant: string, fileId: string): Promise<FileUrls> {
    const file = await this.require(tenant, fileId);
    if (file.status !== 'processing' && file.status !== 'ready') throw new FilesError('CONFLICT', `the file is ${file.status}; it can be read once verified`);
    const ttl = this.settings.urlTtlSeconds;
    const previews: FileUrls['previews'] = {};
    for (const size of ['small', 'large'] as const) {
      const key = file.previewKeys[size];
      if (key) previews[size] = await this.objects.presignGet(key, ttl, { contentType: 'image/webp' });
    }
    return {
      fileId,
      // Served as the detected type and always as an attachment: an uploaded page never runs in our origin.
      download: await this.objects.presignGet(file.objectKey, ttl, { contentType: file.type ?? 'application/octet-stream', contentDisposition: attachmentDisposition(file.name) }),
      previews,
      expiresAt: new Date(Date.now() + ttl * 1000).toISOString(),
    };
  }

  async list(tenant: string, container: string): Promise<FileList> {
    return { files: (await this.store.listByContainer(tenant, container)).map(viewOf) };
  }

  /** Deletes a file, its bytes (or unfinished upload) and its previews. */
  async delete(tenant: string, fileId: string, deletedBy: string): Promise<void> {
    const file = await this.require(tenant, fileId);
    await this.removeObjects(file);
    if (await this.store.delete(tenant, fileId)) await this.publisher.publish(tenant, fileId, 'tandem.files.deleted', { fileId, target: file.target, deletedBy });
  }

  async usage(tenant: string): Promise<FilesUsage> {
    const [usage, limits] = await Promise.all([this.store.usage(tenant), this.limitsOf(tenant)]);
    return { usedBytes: usage.bytes, files: usage.files, quotaBytes: limits.quotaBytes, maxFileBytes: this.settings.maxBytes, allowedTypes: limits.allowedTypes };
  }

  async putSettings(tenant: string, change: FilesSettingsRequest): Promise<FilesUsage> {
    const current = (await this.store.getSettings(tenant)) ?? { tenant };
    await this.store.putSettings({ ...current, ...change, tenant });
    return this.usage(tenant);
  }

  /** Drops pending uploads whose URLs expired long ago (their reserved bytes stop counting). */
  async sweepExpiredUploads(now = new Date()): Promise<number> {
    const expired = await this.store.expiredUploads(now, 100);
    for (const file of expired) {
      await this.removeObjects(file);
      await this.store.delete(file.tenant, file.fileId);
    }
    return expired.length;
  }

  private async reject(file: StoredFile, reason: FileFailureReason & ('SIZE_MISMATCH' | 'TYPE_NOT_ALLOWED'), message: string): Promise<never> {
    await this.objects.delete(file.objectKey);
    const rejected = await this.store.transition(file.tenant, file.fileId, 'pending', { status: 'rejected', failure: { reason, message } });
    this.metrics.failures.inc({ reason });
    this.logger.warn({ tenant: file.tenant, fileId: file.fileId, reason }, `upload refused: ${message}`);
    if (rejected) await this.publisher.publish(file.tenant, file.fileId, 'tandem.files.failed', { fileId: file.fileId, target: file.target, name: file.name, reason, message });
    throw new FilesError(reason, `${message}; the file was deleted`);
  }

  private async removeObjects(file: StoredFile): Promise<void> {
    if (file.status === 'pending' && file.upload.mode === 'multipart') await this.objects.abortMultipartUpload(file.objectKey, file.upload.uploadId);
    await this.objects.delete(file.objectKey);
    for (const key of Object.values(file.previewKeys)) if (key) await this.objects.delete(key);
  }

  private async ticketOf(file: StoredFile, done: number[]): Promise<UploadTicket> {
    const ttl = Math.max(60, Math.floor((file.uploadExpiresAt.getTime() - Date.now()) / 1000));
    const base = { fileId: file.fileId, file: viewOf(file), expiresAt: file.uploadExpiresAt.toISOString() };
    if (file.upload.mode === 'single') return { ...base, mode: 'single', url: await this.objects.presignPut(file.objectKey, ttl) };
    const { uploadId, partSize, partCount } = file.upload;
    const stored = new Set(done);
    const parts: PartUrl[] = [];
    for (let n = 1; n <= partCount; n++) if (!stored.has(n)) parts.push({ partNumber: n, url: await this.objects.presignUploadPart(file.objectKey, uploadId, n, ttl) });
    return { ...base, mode: 'multipart', partSize, partCount, done: [...stored].sort((a, b) => a - b), parts };
  }

  private async limitsOf(tenant: string): Promise<{ quotaBytes: number; allowedTypes: string[] }> {
    const own = await this.store.getSettings(tenant);
    return { quotaBytes: own?.quotaBytes ?? this.settings.quotaBytes, allowedTypes: own?.allowedTypes ?? this.settings.allowedTypes };
  }

  private async require(tenant: string, fileId: string): Promise<StoredFile> {
    const file = await this.store.get(tenant, fileId);
    if (!file) throw new FilesError('NOT_FOUND', `no file ${fileId} in this workspace`);
    return file;
  }
}

/** `doc:<id>` or `channel:<id>`: the container a target lists under. */
export function containerKey(target: UploadRequest['target']): string {
  const c = containerOf(target);
  return `${c.kind}:${c.id}`;
}
