import { z } from 'zod';
import { CommandId, Id } from '../ids';
import { DocKindSchema, DocKindName, DocRejectionCode, Heads } from '../events/docs.events';

/**
 * Collaborative documents over the client ↔ gateway protocol (heads-based change exchange).
 *
 * - `join` with `doc: { kind, heads }` answers a {@link DocSyncState}: every stored change the
 *   client lacks given the heads it last synced to (one round), and the document's heads.
 * - The client then sends what the service may lack: its outbox, as `doc.change` commands (the
 *   changes it made that were not yet announced durable). Each is relayed by the gateway to the
 *   room at once (`doc.change` event) and merged by the docs service in batches, which announces
 *   `doc.merged` with the command ids now durable and the heads after the batch.
 * - A client lacking a merged event's heads asks `doc.sync` (a relay was missed).
 * - A command not announced durable is sent again (10 s, then 20, 40, 80 s); once acknowledged,
 *   with `relayed: true`, which the gateway publishes without relaying it to the room again.
 * - History (`doc.versions`, `doc.view`, `doc.diff`, `doc.restore`) are `docs` requests answered in
 *   their acknowledgement; the same reads are served over HTTP at `/api/v1/docs/:docId/...`.
 */

/**
 * Automerge changes as Socket.IO carries them: ONE binary attachment holding the changes
 * concatenated (`change-chunks.ts`: `joinChanges`, `readChunks`; Socket.IO refuses messages with
 * more than 10 attachments), never base64.
 */
export const ChangeBytes = z.custom<Uint8Array>((v) => v instanceof Uint8Array && v.byteLength > 0, 'a change must be non-empty bytes');

/** `join` option of a collaborative document: its kind and the heads the client last synced to. */
export const DocJoinOptions = z.object({ kind: DocKindSchema, heads: Heads }).strict();
export type DocJoinOptions = z.infer<typeof DocJoinOptions>;

export const DocChangeCommand = z
  .object({
    type: z.literal('doc.change'),
    commandId: CommandId,
    docId: Id,
    kind: DocKindSchema,
    changes: ChangeBytes,
    /**
     * Set on a resend of a command a gateway already acknowledged: it relayed the changes to the
     * room then, so this one is published again for durability only, not relayed (a resend relayed
     * to every member again is what let a starved gateway's backlog feed itself).
     */
    relayed: z.literal(true).optional(),
  })
  .strict();
export type DocChangeCommand = z.infer<typeof DocChangeCommand>;

/** What a `join` with `doc` (or a `doc.sync`) answers. */
export interface DocSyncState {
  kind: 'doc.sync';
  docId: string;
  docKind: DocKindName;
  /** The service's stored batch count when read. */
  seq: number;
  /** The document's heads as stored; sync to these next time. */
  heads: string[];
  /** Stored changes the client lacks (`Automerge.saveSince` bytes, for `loadIncremental`); may repeat some it has. */
  changes: Uint8Array;
  /** True when the document does not exist yet (it starts from the kind's initial change). */
  created: boolean;
}

/** One version of a document's history (see `listVersions` in @tandem/documents). */
export interface DocVersionView {
  heads: string[];
  parentHeads: string[];
  from: number;
  to: number;
  authors: string[];
  type: 'created' | 'edit' | 'restore' | 'migration';
  changes: number;
  ops: number;
  bytes: number;
}

export const DocsRequest = z.discriminatedUnion('type', [
  z.object({ type: z.literal('doc.sync'), docId: Id, kind: DocKindSchema, heads: Heads }).strict(),
  z.object({ type: z.literal('doc.versions'), docId: Id, gapMs: z.number().int().min(0).max(86_400_000).optional(), maxChanges: z.number().int().min(1).optional() }).strict(),
  z.object({ type: z.literal('doc.view'), docId: Id, heads: Heads }).strict(),
  z.object({ type: z.literal('doc.diff'), docId: Id, from: Heads, to: Heads }).strict(),
  /** Restores the document as of `heads` as ONE new change by the docs service (later work stays in history). */
  z.object({ type: z.literal('doc.restore'), docId: Id, heads: Heads, commandId: CommandId }).strict(),
]);
export type DocsRequest = z.infer<typeof DocsRequest>;

/** The answer of each docs request (inside `Ack`). */
export interface DocsResponses {
  'doc.sync': { state: DocSyncState };
  'doc.versions': { versions: DocVersionView[] };
  /** The document as plain JSON at `heads` (`render` of @tandem/documents). */
  'doc.view': { heads: string[]; doc: unknown };
  /** `diffVersions` of @tandem/documents. */
  'doc.diff': { diff: unknown };
  /** The restore change is queued like any client change; `doc.merged` with `commandId` follows. */
  'doc.restore': { commandId: string; changed: boolean };
}

/** Events of collaborative documents pushed to a document's room. */
export type DocsServerEvent =
  /** Changes another client just sent, relayed before the service merged them. */
  | { type: 'doc.change'; docId: string; commandId: string; userId: string; changes: Uint8Array }
  | { type: 'doc.merged'; docId: string; kind: DocKindName; seq: number; heads: string[]; commandIds: string[]; changes: number }
  | { type: 'doc.rejected'; docId: string; commandId: string; userId: string; code: DocRejectionCode; message: string };
