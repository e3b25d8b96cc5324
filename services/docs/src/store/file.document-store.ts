import type { AclState } from '@tandem/contracts';
import { FileCollection } from '@tandem/platform';
import { DocumentStore, DocumentStoreError, StoredChange, StoredSnapshot } from './document-store.port';

type ChangeRow = StoredChange & { tenant: string; docId: string };
type SnapshotRow = StoredSnapshot & { tenant: string; docId: string };
type AclRow = { tenant: string; docId: string; acl: AclState };

/** The embedded document store: the change log and snapshots in append-only files under `DATA_DIR`. */
export class FileDocumentStore implements DocumentStore {
  private readonly changes: FileCollection<ChangeRow>;
  private readonly snapshots: FileCollection<SnapshotRow>;
  private readonly acls: FileCollection<AclRow>;

  constructor(directory: string) {
    this.changes = new FileCollection<ChangeRow>(directory, 'document-changes', (r) => `${r.tenant}/${r.docId}/${r.seq}`);
    this.snapshots = new FileCollection<SnapshotRow>(directory, 'document-snapshots', (r) => `${r.tenant}/${r.docId}`);
    this.acls = new FileCollection<AclRow>(directory, 'document-acls', (r) => `${r.tenant}/${r.docId}`);
  }

  async load(tenant: string, docId: string) {
    const row = this.snapshots.get(`${tenant}/${docId}`);
    const snapshot = row ? { seq: row.seq, bytes: row.bytes, recentCommandIds: row.recentCommandIds } : null;
    const after = snapshot?.seq ?? 0;
    const changes = this.changes
      .find((r) => r.tenant === tenant && r.docId === docId && r.seq > after)
      .sort((a, b) => a.seq - b.seq)
      .map(({ seq, change, commandIds, at }) => ({ seq, change, commandIds, at: new Date(at) }));
    return { snapshot, changes };
  }

  async appendChange(tenant: string, docId: string, change: StoredChange): Promise<void> {
    if (!this.changes.insert({ tenant, docId, ...change })) throw new DocumentStoreError('SEQ_TAKEN', `change ${change.seq} of ${docId} is already stored`);
  }

  async saveSnapshot(tenant: string, docId: string, snapshot: StoredSnapshot): Promise<void> {
    const current = this.snapshots.get(`${tenant}/${docId}`);
    if (!current || current.seq < snapshot.seq) this.snapshots.put({ tenant, docId, ...snapshot });
  }

  async loadAcl(tenant: string, docId: string): Promise<AclState | null> {
    return this.acls.get(`${tenant}/${docId}`)?.acl ?? null;
  }

  async saveAcl(tenant: string, docId: string, acl: AclState): Promise<void> {
    const current = this.acls.get(`${tenant}/${docId}`)?.acl.version ?? 0;
    if (acl.version !== current + 1) throw new DocumentStoreError('ACL_VERSION_CONFLICT', `ACL of ${docId} is at version ${current}, not ${acl.version - 1}`);
    this.acls.put({ tenant, docId, acl });
  }

  async checkReady(): Promise<void> {}

  async close(): Promise<void> {}
}
