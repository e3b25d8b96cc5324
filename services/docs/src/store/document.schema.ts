import { Schema } from 'mongoose';

/** `document_changes`: the append-only change log; the unique index makes each seq single-writer. */
export const DocumentChangeSchema = new Schema(
  {
    tenant: { type: String, required: true },
    docId: { type: String, required: true },
    seq: { type: Number, required: true },
    change: { type: Buffer, required: true },
    commandIds: { type: [String], default: [] },
    at: { type: Date, required: true },
  },
  { collection: 'document_changes', versionKey: false },
);
DocumentChangeSchema.index({ tenant: 1, docId: 1, seq: 1 }, { unique: true });

/** `document_snapshots`: one saved document per (tenant, docId). */
export const DocumentSnapshotSchema = new Schema(
  {
    tenant: { type: String, required: true },
    docId: { type: String, required: true },
    seq: { type: Number, required: true },
    bytes: { type: Buffer, required: true },
    recentCommandIds: { type: [String], default: [] },
  },
  { collection: 'document_snapshots', versionKey: false },
);
DocumentSnapshotSchema.index({ tenant: 1, docId: 1 }, { unique: true });

/** `document_acls`: the access-control list of each document, versioned for optimistic writes. */
export const DocumentAclSchema = new Schema(
  {
    tenant: { type: String, required: true },
    docId: { type: String, required: true },
    version: { type: Number, required: true },
    acl: { type: Schema.Types.Mixed, required: true },
  },
  { collection: 'document_acls', versionKey: false },
);
DocumentAclSchema.index({ tenant: 1, docId: 1 }, { unique: true });
