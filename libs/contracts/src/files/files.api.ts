import { z } from 'zod';
import { AttachmentTarget, FileView } from '../events/files.events';

/**
 * The files HTTP API (`/api/v1/files/...` on the gateway, which checks access and forwards to the
 * files service). Bytes never pass through it: clients PUT them to the presigned URLs it returns.
 */

/** Asks to upload a file: its name, size, the type the client believes it is, and where it goes. */
export const UploadRequest = z
  .object({
    name: z.string().min(1).max(1024),
    size: z.number().int().min(1),
    type: z.string().min(1).max(255),
    target: AttachmentTarget,
  })
  .strict();
export type UploadRequest = z.infer<typeof UploadRequest>;

/** A presigned URL for one part of a multipart upload (parts are numbered from 1). */
export type PartUrl = { partNumber: number; url: string };

/**
 * Where to PUT the bytes: one URL (`single`), or one URL per part of `partSize` bytes (`multipart`,
 * the last part shorter). `done` lists parts already stored, so a client that dropped sends the rest.
 */
export type UploadTicket = { fileId: string; file: FileView; expiresAt: string } & (
  | { mode: 'single'; url: string }
  | { mode: 'multipart'; partSize: number; partCount: number; done: number[]; parts: PartUrl[] }
);

/** Short-lived read URLs of a file and its previews. */
export type FileUrls = { fileId: string; download: string; previews: { small?: string; large?: string }; expiresAt: string };

export type FileList = { files: FileView[] };

/** A tenant's storage: bytes used (pending uploads count), the quota and the allowed types. */
export type FilesUsage = { usedBytes: number; quotaBytes: number; files: number; maxFileBytes: number; allowedTypes: string[] };

/** An admin's change of the tenant's quota or type allow-list (`image/*` style wildcards allowed). */
export const FilesSettingsRequest = z
  .object({
    quotaBytes: z.number().int().min(0).optional(),
    allowedTypes: z.array(z.string().regex(/^[a-z0-9.+-]+\/([a-z0-9.+-]+|\*)$/i, 'types look like image/png or image/*')).max(200).optional(),
  })
  .strict();
export type FilesSettingsRequest = z.infer<typeof FilesSettingsRequest>;

/** Codes of files API errors; the HTTP body is `{ code, message }`. */
export type FilesErrorCode = 'INVALID_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND' | 'TOO_LARGE' | 'QUOTA_EXCEEDED' | 'TYPE_NOT_ALLOWED' | 'SIZE_MISMATCH' | 'UPLOAD_INCOMPLETE' | 'CONFLICT' | 'UNAVAILABLE';
export type FilesErrorBody = { code: FilesErrorCode; message: string };
