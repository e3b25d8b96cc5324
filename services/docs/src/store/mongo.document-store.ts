import { isDuplicateKeyError } from '@tandem/platform';
import type { Connection, Model } from 'mongoose';
import type { AclState } from '@tandem/contracts';
import { DocumentAclSchema, DocumentChangeSchema, DocumentSnapshotSchema } from './document.schema';
import { DocumentStore, DocumentStoreError, StoredChange, StoredSnapshot } from './document-store.port';

type ChangeRow = StoredChange & { tenant: string; docId: string };
type SnapshotRow = StoredSnapshot & { tenant: string; docId: string };
type AclRow = { tenant: string; docId: string; version: number; acl: AclState };

const toBuffer = (b: unknown): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from((b as { buffer: ArrayBuffer }).buffer ?? (b as Uint8Array)));

/** The production document store on MongoDB (and FerretDB 1.24) through mongoose. */
export class MongoDocumentStore implements DocumentStore {
  private readonly changes: Model<ChangeRow>;
  private readonly snapshots: Model<SnapshotRow>;
  private readonly acls: Model<AclRow>;

  constructor(private readonly connection: Connection) {
    this.changes = connection.model<ChangeRow>('DocumentChange', DocumentChangeSchema);
    this.snapshots = connection.model<SnapshotRow>('DocumentSnapshot', DocumentSnapshotSchema);
    this.acls = connection.model<AclRow>('DocumentAcl', DocumentAclSchema);
  }

  /** Builds the unique indexes; call once at start-up before writing. */
  async init(): Promise<void> {
    await Promise.all([this.changes.createIndexes(), this.snapshots.createIndexes(), this.acls.createIndexes()]);
  }

  async load(tenant: string, docId: string) {
    const row = await this.snapshots.findOne({ tenant, docId }).lean();
    const snapshot = row ? { seq: row.seq, bytes: toBuffer(row.bytes), recentCommandIds: row.recentCommandIds ?? [] } : null;
    const rows = await this.changes
      .find({ tenant, docId, seq: { $gt: snapshot?.seq ?? 0 } })
      .sort({ seq: 1 })
      .lean();
    return { snapshot, changes: rows.map((r) => ({ seq: r.seq, change: toBuffer(r.change), commandIds: r.commandIds ?? [], at: new Date(r.at) })) };
  }

  async appendChange(tenant: string, docId: string, change: StoredChange): Promise<void> {
    try {
      await this.changes.create({ tenant, docId, ...change });
    } catch (error) {
      if (isDuplicateKeyError(error)) throw new DocumentStoreError('SEQ_TAKEN', `change ${change.seq} of ${docId} is already stored`);
      throw error;
    }
  }

  async saveSnapshot(tenant: string, docId: string, snapshot: StoredSnapshot): Promise<void> {
    try {
      // Only replaces an older snapshot; a newer one makes the filter miss and the upsert collide.
      await this.snapshots.updateOne({ tenant, docId, seq: { $lt: snapshot.seq } }, { $set: { ...snapshot } }, { upsert: true });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async loadAcl(tenant: string, docId: string): Promise<AclState | null> {
    const row = await this.acls.findOne({ tenant, docId }).lean();
    return row ? (row.acl as AclState) : null;
  }

  async saveAcl(tenant: string, docId: string, acl: AclState): Promise<void> {
    const conflict = () => new DocumentStoreError('ACL_VERSION_CONFLICT', `ACL of ${docId} changed meanwhile (wanted version ${acl.version - 1})`);
    if (acl.version === 1) {
      try {
        await this.acls.create({ tenant, docId, version: 1, acl });
      } catch (error) {
        if (isDuplicateKeyError(error)) throw conflict();
        throw error;
      }
      return;
    }
    // Compare-and-set on the version: no transactions needed (FerretDB has none).
    const result = await this.acls.updateOne({ tenant, docId, version: acl.version - 1 }, { $set: { version: acl.version, acl } });
    if (result.matchedCount !== 1) throw conflict();
  }

  async checkReady(): Promise<void> {
    await this.connection.db!.admin().ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
