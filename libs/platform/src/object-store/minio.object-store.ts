import { Client } from 'minio';
import type { Readable } from 'node:stream';
import { GetUrlOptions, ObjectInfo, ObjectStore, ObjectStoreError, UploadedPart, assertValidKey, assertValidPart } from './object-store.port';

export interface MinioObjectStoreOptions {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  bucket: string;
  region: string;
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The production object store: MinIO or any S3-compatible service, through the minio client. */
export class MinioObjectStore implements ObjectStore {
  private readonly client: Client;

  constructor(private readonly options: MinioObjectStoreOptions) {
    const url = new URL(options.endpoint);
    this.client = new Client({
      endPoint: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      useSSL: url.protocol === 'https:',
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region,
    });
  }

  async ensureBucket(): Promise<void> {
    if (!(await this.client.bucketExists(this.options.bucket))) {
      try {
        await this.client.makeBucket(this.options.bucket, this.options.region);
      } catch (error) {
        // Another process created it first.
        if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes((error as { code?: string }).code ?? '')) throw error;
      }
    }
  }

  async put(key: string, body: Buffer, contentType?: string): Promise<void> {
    assertValidKey(key);
    await this.client.putObject(this.options.bucket, key, body, body.length, contentType ? { 'Content-Type': contentType } : {});
  }

  async get(key: string): Promise<Buffer> {
    assertValidKey(key);
    try {
      return await readAll(await this.client.getObject(this.options.bucket, key));
    } catch (error) {
      throw this.mapError(key, error);
    }
  }

  async getRange(key: string, offset: number, length: number): Promise<Buffer> {
    assertValidKey(key);
    const info = await this.stat(key);
    if (!info) throw new ObjectStoreError('NOT_FOUND', `no object "${key}"`);
    if (offset >= info.size || length === 0) return Buffer.alloc(0);
    try {
      return await readAll(await this.client.getPartialObject(this.options.bucket, key, offset, Math.min(length, info.size - offset)));
    } catch (error) {
      throw this.mapError(key, error);
    }
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    try {
      const s = await this.client.statObject(this.options.bucket, key);
      return { size: s.size, contentType: (s.metaData as Record<string, string>)['content-type'] };
    } catch (error) {
      if (this.isNotFound(error)) return null;
      throw error;
    }
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.removeObject(this.options.bucket, key);
  }

  async presignPut(key: string, expirySeconds: number): Promise<string> {
    assertValidKey(key);
    return this.client.presignedPutObject(this.options.bucket, key, expirySeconds);
  }

  async presignGet(key: string, expirySeconds: number, options: GetUrlOptions = {}): Promise<string> {
    assertValidKey(key);
    const headers: Record<string, string> = {};
    if (options.contentType) headers['response-content-type'] = options.contentType;
    if (options.contentDisposition) headers['response-content-disposition'] = options.contentDisposition;
    return this.client.presignedGetObject(this.options.bucket, key, expirySeconds, headers);
  }

  async createMultipartUpload(key: string, contentType?: string): Promise<string> {
    assertValidKey(key);
    return this.client.initiateNewMultipartUpload(this.options.bucket, key, contentType ? { 'Content-Type': contentType } : {});
  }

  async presignUploadPart(key: string, uploadId: string, partNumber: number, expirySeconds: number): Promise<string> {
    assertValidKey(key);
    assertValidPart(uploadId, partNumber);
    return this.client.presignedUrl('PUT', this.options.bucket, key, expirySeconds, { partNumber: String(partNumber), uploadId });
  }

  async listParts(key: string, uploadId: string): Promise<UploadedPart[]> {
    assertValidKey(key);
    // listParts is protected in the client's typings but is its public S3 ListParts call.
    const client = this.client as unknown as { listParts(b: string, k: string, u: string): Promise<Array<{ part: number; size: number; etag: string }>> };
    try {
      const parts = await client.listParts(this.options.bucket, key, uploadId);
      return parts.map((p) => ({ partNumber: p.part, size: p.size, etag: p.etag })).sort((a, b) => a.partNumber - b.partNumber);
    } catch (error) {
      throw this.mapError(`${key} (upload ${uploadId})`, error);
    }
  }

  async completeMultipartUpload(key: string, uploadId: string, parts: readonly Pick<UploadedPart, 'partNumber' | 'etag'>[]): Promise<void> {
    assertValidKey(key);
    const sorted = [...parts].sort((a, b) => a.partNumber - b.partNumber);
    try {
      await this.client.completeMultipartUpload(this.options.bucket, key, uploadId, sorted.map((p) => ({ part: p.partNumber, etag: p.etag })));
    } catch (error) {
      throw this.mapError(`${key} (upload ${uploadId})`, error);
    }
  }

  async abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    assertValidKey(key);
    try {
      await this.client.abortMultipartUpload(this.options.bucket, key, uploadId);
    } catch (error) {
      if (!this.isNotFound(error)) throw error;
    }
  }

  async checkReady(): Promise<void> {
    if (!(await this.client.bucketExists(this.options.bucket))) throw new ObjectStoreError('UNAVAILABLE', `bucket ${this.options.bucket} does not exist`);
  }

  private isNotFound(error: unknown): boolean {
    const code = (error as { code?: string }).code;
    return code === 'NotFound' || code === 'NoSuchKey' || code === 'NoSuchUpload';
  }

  private mapError(key: string, error: unknown): Error {
    return this.isNotFound(error) ? new ObjectStoreError('NOT_FOUND', `no object "${key}"`) : (error as Error);
  }
}
