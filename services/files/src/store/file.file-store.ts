import { FileCollection } from '@tandem/platform';
import { COUNTED_STATUSES, FilePatch, FileStore, FileStoreError, StoredFile, TenantFileSettings } from './file-store.port';

type Row = Omit<StoredFile, 'createdAt' | 'uploadExpiresAt'> & { createdAt: string; uploadExpiresAt: string };

const toRow = (f: StoredFile): Row => ({ ...f, createdAt: f.createdAt.toISOString(), uploadExpiresAt: f.uploadExpiresAt.toISOString() });
const fromRow = (r: Row): StoredFile => ({ ...structuredClone(r), createdAt: new Date(r.createdAt), uploadExpiresAt: new Date(r.uploadExpiresAt) });

/** The embedded file store: append-only files under `DATA_DIR/files` (see {@link FileCollection}). */
export class FileFileStore implements FileStore {
  private readonly files: FileCollection<Row>;
  private readonly settings: FileCollection<TenantFileSettings>;

  constructor(directory: string) {
    this.files = new FileCollection<Row>(directory, 'files', (r) => `${r.tenant}/${r.fileId}`);
    this.settings = new FileCollection<TenantFileSettings>(directory, 'file-settings', (s) => s.tenant);
  }

  async create(file: StoredFile): Promise<void> {
    if (!this.files.insert(toRow(file))) throw new FileStoreError('DUPLICATE', `file ${file.fileId} exists`);
  }

  async get(tenant: string, fileId: string): Promise<StoredFile | null> {
    const row = this.files.get(`${tenant}/${fileId}`);
    return row ? fromRow(row) : null;
  }

  async transition(tenant: string, fileId: string, from: StoredFile['status'], patch: FilePatch): Promise<StoredFile | null> {
    const row = this.files.get(`${tenant}/${fileId}`);
    if (!row || row.status !== from) return null;
    const next = { ...row, ...structuredClone(patch) } as Row;
    this.files.put(next);
    return fromRow(next);
  }

  async listByContainer(tenant: string, container: string): Promise<StoredFile[]> {
    return this.files
      .find((r) => r.tenant === tenant && r.container === container && r.status !== 'rejected')
      .map(fromRow)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || a.fileId.localeCompare(b.fileId));
  }

  async delete(tenant: string, fileId: string): Promise<boolean> {
    const key = `${tenant}/${fileId}`;
    if (!this.files.get(key)) return false;
    this.files.delete(key);
    return true;
  }

  async usage(tenant: string): Promise<{ bytes: number; files: number }> {
    const rows = this.files.find((r) => r.tenant === tenant && COUNTED_STATUSES.includes(r.status));
    return { bytes: rows.reduce((sum, r) => sum + r.size, 0), files: rows.length };
  }

  async expiredUploads(now: Date, limit: number): Promise<StoredFile[]> {
    return this.files
      .find((r) => r.status === 'pending' && Date.parse(r.uploadExpiresAt) < now.getTime())
      .slice(0, limit)
      .map(fromRow);
  }

  async processing(limit: number): Promise<StoredFile[]> {
    return this.files
      .find((r) => r.status === 'processing')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, limit)
      .map(fromRow);
  }

  async getSettings(tenant: string): Promise<TenantFileSettings | null> {
    return this.settings.get(tenant) ?? null;
  }

  async putSettings(settings: TenantFileSettings): Promise<void> {
    this.settings.put(settings);
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}
}
