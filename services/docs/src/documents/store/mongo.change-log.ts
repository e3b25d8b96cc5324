import { isDuplicateKeyError } from '@tandem/platform';
import type { Connection, Model } from 'mongoose';
import type { DocKindName } from '@tandem/contracts';
import { DocLogSchema, DocSnapshotSchema } from './change-log.schema';
import { ChangeLogError, ChangeLogStore, LogEntry, SnapshotEntry } from './change-log.port';

type LogRow = LogEntry & { tenant: string; docId: string };
type SnapshotRow = SnapshotEntry & { tenant: string; docId: string };

const toBuffer = (b: unknown): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from((b as { buffer: ArrayBuffer }).buffer ?? (b as Uint8Array)));

const entryOf = (r: LogRow): LogEntry => ({ seq: r.seq, changes: toBuffer(r.changes), count: r.count, commandIds: r.commandIds ?? [], at: new Date(r.at) });

function snapshotOf(r: SnapshotRow): SnapshotEntry {
  const s: SnapshotEntry = { seq: r.seq, kind: r.kind as DocKindName, size: r.size, at: new Date(r.at) };
  if (r.bytes) s.bytes = toBuffer(r.bytes);
  if (r.objectKey) s.objectKey = r.objectKey;
  return s;
}

/** The production change log on MongoDB (and FerretDB 1.24) through mongoose. */
export class MongoChangeLogStore implements ChangeLogStore {
  private readonly log: Model<LogRow>;
  private readonly snapshots: Model<SnapshotRow>;

  constructor(private readonly connection: Connection) {
    this.log = connection.model<LogRow>('DocLog', DocLogSchema);
    this.snapshots = connection.model<SnapshotRow>('DocSnapshot', DocSnapshotSchema);
  }

  /** Builds the unique indexes; call once at start-up before writing. */
  async init(): Promise<void> {
    await Promise.all([this.log.createIndexes(), this.snapshots.createIndexes()]);
  }

  async load(tenant: string, docId: string) {
    const row = await this.snapshots.findOne({ tenant, docId }).lean<SnapshotRow>();
    const snapshot = row ? snapshotOf(row) : null;
    return { snapshot, entries: await this.entriesAfter(tenant, docId, snapshot?.seq ?? 0) };
  }

  async entriesAfter(tenant: string, docId: string, afterSeq: number): Promise<LogEntry[]> {
    const rows = await this.log.find({ tenant, docId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).lean<LogRow[]>();
    return rows.map(entryOf);
  }

  async append(tenant: string, docId: string, entry: LogEntry): Promise<void> {
    try {
      await this.log.create({ tenant, docId, ...entry });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new ChangeLogError('SEQ_TAKEN', `batch ${entry.seq} of ${docId} is already stored`);
      throw error;
    }
  }

  async saveSnapshot(tenant: string, docId: string, snapshot: SnapshotEntry): Promise<SnapshotEntry | null> {
    const previous = await this.snapshots.findOne({ tenant, docId }).lean<SnapshotRow>();
    if (previous && previous.seq >= snapshot.seq) return null;
    try {
      // Replaces only an older snapshot; a newer one written meanwhile makes the filter miss and the upsert collide.
      const row: Record<string, unknown> = { ...snapshot };
      const unset: Record<string, 1> = {};
      if (!snapshot.bytes) unset.bytes = 1;
      if (!snapshot.objectKey) unset.objectKey = 1;
      await this.snapshots.updateOne({ tenant, docId, seq: { $lt: snapshot.seq } }, { $set: row, ...(Object.keys(unset).length ? { $unset: unset } : {}) }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      return null;
    }
    return previous ? snapshotOf(previous) : null;
  }

  async compact(tenant: string, docId: string, uptoSeq: number): Promise<void> {
    await this.log.deleteMany({ tenant, docId, seq: { $lte: uptoSeq } });
  }

  async checkReady(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
