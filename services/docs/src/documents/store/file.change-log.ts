import { FileCollection } from '@tandem/platform';
import { ChangeLogError, ChangeLogStore, LogEntry, SnapshotEntry } from './change-log.port';

type LogRow = LogEntry & { tenant: string; docId: string };
type SnapshotRow = SnapshotEntry & { tenant: string; docId: string };

const entryOf = ({ seq, changes, count, commandIds, at }: LogRow): LogEntry => ({ seq, changes, count, commandIds, at: new Date(at) });

function snapshotOf({ tenant: _t, docId: _d, ...s }: SnapshotRow): SnapshotEntry {
  return { ...s, at: new Date(s.at) };
}

/** The embedded change log: batches and snapshots in append-only files under `DATA_DIR`. */
export class FileChangeLogStore implements ChangeLogStore {
  private readonly log: FileCollection<LogRow>;
  private readonly snapshots: FileCollection<SnapshotRow>;

  constructor(directory: string) {
    this.log = new FileCollection<LogRow>(directory, 'doc-log', (r) => `${r.tenant}/${r.docId}/${r.seq}`);
    this.snapshots = new FileCollection<SnapshotRow>(directory, 'doc-snapshots', (r) => `${r.tenant}/${r.docId}`);
  }

  async load(tenant: string, docId: string) {
    const row = this.snapshots.get(`${tenant}/${docId}`);
    const snapshot = row ? snapshotOf(row) : null;
    return { snapshot, entries: await this.entriesAfter(tenant, docId, snapshot?.seq ?? 0) };
  }

  async entriesAfter(tenant: string, docId: string, afterSeq: number): Promise<LogEntry[]> {
    return this.log
      .find((r) => r.tenant === tenant && r.docId === docId && r.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .map(entryOf);
  }

  async append(tenant: string, docId: string, entry: LogEntry): Promise<void> {
    if (!this.log.insert({ tenant, docId, ...entry })) throw new ChangeLogError('SEQ_TAKEN', `batch ${entry.seq} of ${docId} is already stored`);
  }

  async saveSnapshot(tenant: string, docId: string, snapshot: SnapshotEntry): Promise<SnapshotEntry | null> {
    const current = this.snapshots.get(`${tenant}/${docId}`);
    if (current && current.seq >= snapshot.seq) return null;
    this.snapshots.put({ tenant, docId, ...snapshot });
    return current ? snapshotOf(current) : null;
  }

  async compact(tenant: string, docId: string, uptoSeq: number): Promise<void> {
    for (const r of this.log.find((r) => r.tenant === tenant && r.docId === docId && r.seq <= uptoSeq)) this.log.delete(`${tenant}/${docId}/${r.seq}`);
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}
}
