import { Schema } from 'mongoose';

/** `files`: one record per file; unique per (tenant, fileId), listed by container. */
export const FileSchema = new Schema(
  {
    tenant: { type: String, required: true },
    fileId: { type: String, required: true },
    target: { type: Schema.Types.Mixed, required: true },
    container: { type: String, required: true },
    name: { type: String, required: true },
    declaredType: { type: String, required: true },
    type: { type: String, default: null },
    size: { type: Number, required: true },
    status: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    uploadExpiresAt: { type: Date, required: true },
    objectKey: { type: String, required: true },
    upload: { type: Schema.Types.Mixed, required: true },
    preview: { type: Schema.Types.Mixed, default: null },
    previewKeys: { type: Schema.Types.Mixed, default: {} },
    failure: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'files', versionKey: false, minimize: false },
);
FileSchema.index({ tenant: 1, fileId: 1 }, { unique: true });
FileSchema.index({ tenant: 1, container: 1, createdAt: 1 });
FileSchema.index({ status: 1, uploadExpiresAt: 1 });

/** `file_settings`: a tenant's quota and type allow-list, if it has its own. */
export const FileSettingsSchema = new Schema(
  {
    tenant: { type: String, required: true },
    quotaBytes: { type: Number },
    allowedTypes: { type: [String], default: undefined },
  },
  { collection: 'file_settings', versionKey: false },
);
FileSettingsSchema.index({ tenant: 1 }, { unique: true });
