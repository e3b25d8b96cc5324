import { isDuplicateKeyError } from '@tandem/platform';
import type { Connection, Model } from 'mongoose';
import { FileSchema, FileSettingsSchema } from './file.schema';
import { COUNTED_STATUSES, FilePatch, FileStore, FileStoreError, StoredFile, TenantFileSettings } from './file-store.port';

const FIELDS = ['tenant', 'fileId', 'target', 'container', 'name', 'declaredType', 'type', 'size', 'status', 'createdBy', 'createdAt', 'uploadExpiresAt', 'objectKey', 'upload', 'preview', 'previewKeys', 'failure'] as const;

function toFile(row: Record<string, unknown>): StoredFile {
  const file = Object.fromEntries(FIELDS.map((f) => [f, row[f]])) as unknown as StoredFile;
  return { ...file, createdAt: new Date(file.createdAt), uploadExpiresAt: new Date(file.uploadExpiresAt), previewKeys: file.previewKeys ?? {}, preview: file.preview ?? null, failure: file.failure ?? null, type: file.type ?? null };
}

/** The production file store on MongoDB (and FerretDB 1.24) through mongoose. */
export class MongoFileStore implements FileStore {
  private readonly files: Model<StoredFile>;
  private readonly settings: Model<TenantFileSettings>;

  constructor(private readonly connection: Connection) {
    this.files = connection.model<StoredFile>('File', FileSchema);
    this.settings = connection.model<TenantFileSettings>('FileSettings', FileSettingsSchema);
  }

  /** Builds the indexes; call once at start-up before writing. */
  async init(): Promise<void> {
    await Promise.all([this.files.createIndexes(), this.settings.createIndexes()]);
  }

  async create(file: StoredFile): Promise<void> {
    try {
      await this.files.create(file);
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new FileStoreError('DUPLICATE', `file ${file.fileId} exists`);
      throw error;
    }
  }

  async get(tenant: string, fileId: string): Promise<StoredFile | null> {
    const row = await this.files.findOne({ tenant, fileId }).lean();
    return row ? toFile(row as unknown as Record<string, unknown>) : null;
  }

  async transition(tenant: string, fileId: string, from: StoredFile['status'], patch: FilePatch): Promise<StoredFile | null> {
    const row = await this.files.findOneAndUpdate({ tenant, fileId, status: from }, { $set: patch }, { returnDocument: 'after' }).lean();
    return row ? toFile(row as unknown as Record<string, unknown>) : null;
  }

  async listByContainer(tenant: string, container: string): Promise<StoredFile[]> {
    const rows = await this.files.find({ tenant, container, status: { $ne: 'rejected' } }).sort({ createdAt: 1, fileId: 1 }).lean();
    return rows.map((r) => toFile(r as unknown as Record<string, unknown>));
  }

  async delete(tenant: string, fileId: string): Promise<boolean> {
    return (await this.files.deleteOne({ tenant, fileId })).deletedCount > 0;
  }

  async usage(tenant: string): Promise<{ bytes: number; files: number }> {
    const match = { tenant, status: { $in: COUNTED_STATUSES } };
    // FerretDB 1.24 answers `$sum: 1` with 0, so the count is a query of its own.
    const [[row], files] = await Promise.all([this.files.aggregate<{ bytes: number }>([{ $match: match }, { $group: { _id: null, bytes: { $sum: '$size' } } }]), this.files.countDocuments(match)]);
    return { bytes: row?.bytes ?? 0, files };
  }

  async expiredUploads(now: Date, limit: number): Promise<StoredFile[]> {
    const rows = await this.files.find({ status: 'pending', uploadExpiresAt: { $lt: now } }).limit(limit).lean();
    return rows.map((r) => toFile(r as unknown as Record<string, unknown>));
  }

  async processing(limit: number): Promise<StoredFile[]> {
    const rows = await this.files.find({ status: 'processing' }).sort({ createdAt: 1 }).limit(limit).lean();
    return rows.map((r) => toFile(r as unknown as Record<string, unknown>));
  }

  async getSettings(tenant: string): Promise<TenantFileSettings | null> {
    const row = await this.settings.findOne({ tenant }).lean();
    if (!row) return null;
    return { tenant, ...(row.quotaBytes !== undefined ? { quotaBytes: row.quotaBytes } : {}), ...(row.allowedTypes ? { allowedTypes: row.allowedTypes } : {}) };
  }

  async putSettings(settings: TenantFileSettings): Promise<void> {
    await this.settings.replaceOne({ tenant: settings.tenant }, settings, { upsert: true });
  }

  async checkReady(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
