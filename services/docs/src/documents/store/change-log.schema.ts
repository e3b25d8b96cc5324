import { Schema } from 'mongoose';

/** `doc_log`: the append-only batches of each document; the unique index makes each seq single-writer. */
export const DocLogSchema = new Schema(
  {
    tenant: { type: String, required: true },
    docId: { type: String, required: true },
    seq: { type: Number, required: true },
    changes: { type: Buffer, required: true },
    count: { type: Number, required: true },
    commandIds: { type: [String], default: [] },
    at: { type: Date, required: true },
  },
  { collection: 'doc_log', versionKey: false },
);
DocLogSchema.index({ tenant: 1, docId: 1, seq: 1 }, { unique: true });

/** `doc_snapshots`: one saved document per (tenant, docId), inline or in the object store. */
export const DocSnapshotSchema = new Schema(
  {
    tenant: { type: String, required: true },
    docId: { type: String, required: true },
    seq: { type: Number, required: true },
    kind: { type: String, required: true },
    size: { type: Number, required: true },
    bytes: { type: Buffer },
    objectKey: { type: String },
    at: { type: Date, required: true },
  },
  { collection: 'doc_snapshots', versionKey: false },
);
DocSnapshotSchema.index({ tenant: 1, docId: 1 }, { unique: true });
