import { z } from 'zod';
import { Id } from '../ids';

/**
 * What a file is attached to. Access to the file follows access to its container: the document (for
 * `doc` and `card`) or the chat channel (for `channel` and `message`).
 */
export const AttachmentTarget = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('doc'), docId: Id }).strict(),
  z.object({ kind: z.literal('card'), docId: Id, cardId: Id }).strict(),
  z.object({ kind: z.literal('channel'), channelId: Id }).strict(),
  z.object({ kind: z.literal('message'), channelId: Id, messageId: Id }).strict(),
]);
export type AttachmentTarget = z.infer<typeof AttachmentTarget>;

/** The resource whose room and access rules a file follows: a document or a chat channel. */
export type AttachmentContainer = { kind: 'doc'; id: string } | { kind: 'channel'; id: string };

export function containerOf(target: AttachmentTarget): AttachmentContainer {
  return target.kind === 'doc' || target.kind === 'card' ? { kind: 'doc', id: target.docId } : { kind: 'channel', id: target.channelId };
}

/**
 * `pending`: waiting for the bytes; `processing`: verified, previews being made; `ready`: previews
 * done (or not possible: see `preview.kind`); `rejected`: refused at verification and deleted.
 */
export const FileStatus = z.enum(['pending', 'processing', 'ready', 'rejected']);
export type FileStatus = z.infer<typeof FileStatus>;

/** Why a file was refused or its preview failed. */
export const FileFailureReason = z.enum(['TYPE_NOT_ALLOWED', 'SIZE_MISMATCH', 'TOO_LARGE', 'QUOTA_EXCEEDED', 'EMPTY', 'PREVIEW_FAILED', 'PREVIEW_TIMEOUT', 'UPLOAD_INCOMPLETE']);
export type FileFailureReason = z.infer<typeof FileFailureReason>;

/**
 * The preview of a file. `image` and `pdf` have WebP thumbnails (`small`, `large`); `text` has a
 * snippet; `icon` is a type icon with cheap metadata (audio, video, archives…); `generic` is the
 * fallback when a preview cannot be made safely (e.g. an image too large to decode).
 */
export const FilePreview = z
  .object({
    kind: z.enum(['image', 'pdf', 'text', 'icon', 'generic']),
    sizes: z.array(z.enum(['small', 'large'])),
    icon: z.enum(['image', 'pdf', 'text', 'audio', 'video', 'archive', 'file']),
    width: z.number().int().min(0).optional(),
    height: z.number().int().min(0).optional(),
    pages: z.number().int().min(0).optional(),
    snippet: z.string().max(4096).optional(),
    durationSeconds: z.number().min(0).optional(),
    /** Why only a generic preview was made. */
    note: z.string().max(200).optional(),
  })
  .strict();
export type FilePreview = z.infer<typeof FilePreview>;

/** A file as the service shows it (no URLs: those are issued per request, to readers only). */
export const FileView = z
  .object({
    fileId: Id,
    target: AttachmentTarget,
    /** The sanitised name. */
    name: z.string().min(1).max(255),
    declaredType: z.string().max(255),
    /** The type detected from the content (null until verified). */
    type: z.string().max(255).nullable(),
    size: z.number().int().min(0),
    status: FileStatus,
    createdBy: Id,
    createdAt: z.iso.datetime({ offset: true }),
    preview: FilePreview.nullable(),
  })
  .strict();
export type FileView = z.infer<typeof FileView>;

/** Event types carried by `files.events.v1` (files service → gateway, chat, docs, partners). Key: the file id. */
export const FilesEventSchemas = {
  /** The bytes arrived and passed verification; previews follow. */
  'tandem.files.uploaded': z.object({ file: FileView }).strict(),
  /** Preview generation progressed (0..1) through `step`. */
  'tandem.files.preview.progress': z.object({ fileId: Id, target: AttachmentTarget, progress: z.number().min(0).max(1), step: z.string().max(64) }).strict(),
  /** The previews are stored (or a generic one was chosen): `file.preview` says which. */
  'tandem.files.preview.ready': z.object({ file: FileView }).strict(),
  /** The file was refused at verification (and deleted), or its preview failed. */
  'tandem.files.failed': z.object({ fileId: Id, target: AttachmentTarget, name: z.string().max(255), reason: FileFailureReason, message: z.string().max(500) }).strict(),
  /** The file and its previews were deleted. */
  'tandem.files.deleted': z.object({ fileId: Id, target: AttachmentTarget, deletedBy: Id }).strict(),
};
