import { z } from 'zod';
import { CommandId, Id } from '../ids';
import { DocsAclCommandSchemas } from './acl.events';

import { DocKindSchema } from './doc-kind';

export { DocKindSchema, type DocKindName } from './doc-kind';

/** An Automerge change hash (hex). */
export const ChangeHash = z.string().regex(/^[0-9a-f]{64}$/, 'change hashes are 64 hex digits');
/** Heads of a document: the hashes of the changes nothing else depends on yet. */
export const Heads = z.array(ChangeHash).max(1000);

/**
 * Automerge change bytes on Kafka: one client command's changes concatenated (`joinChanges`). The
 * record value is JSON, so they travel base64-encoded (about a third larger than raw).
 */
export const Base64Change = z.string().min(1).max(2 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'changes are base64');

/** Why the docs service refused a client's changes (nothing of the command was stored). */
export const DocRejectionCode = z.enum(['KIND_MISMATCH', 'INVALID_CHANGE', 'RESERVED_ACTOR']);
export type DocRejectionCode = z.infer<typeof DocRejectionCode>;

/** Event types carried by `docs.commands.v1` (gateway → docs service). */
export const DocsCommandSchemas = {
  /** Add `by` (may be negative) to a counter document; creates the document at 0 if it does not exist. */
  'tandem.docs.counter.increment': z
    .object({
      docId: Id,
      commandId: CommandId,
      userId: Id,
      by: z.number().int().min(-1_000_000).max(1_000_000),
    })
    .strict(),
  /**
   * Automerge changes a client made to a document of `kind` (one command of its outbox). The docs
   * service merges them in batches and announces `doc.merged` with this `commandId` once stored.
   */
  'tandem.docs.doc.change': z
    .object({
      docId: Id,
      kind: DocKindSchema,
      commandId: CommandId,
      userId: Id,
      changes: Base64Change,
    })
    .strict(),
  ...DocsAclCommandSchemas,
};

/** Event types carried by `docs.events.v1` (docs service → gateway, partners). */
export const DocsEventSchemas = {
  /**
   * A counter document changed. `seq` increases by one per stored change of the document, so a client
   * holding `seq` n knows exactly whether it missed anything; `value` is the merged value after it.
   */
  'tandem.docs.counter.changed': z
    .object({
      docId: Id,
      seq: z.number().int().min(1),
      value: z.number().int(),
      /** The client command ids merged into this change, so senders learn their write is durable. */
      commandIds: z.array(CommandId),
    })
    .strict(),
  /**
   * A batch of changes to a document was merged and stored durably. `seq` increases by one per
   * stored batch; `heads` are the document's heads after it (a client lacking any of them missed
   * something and syncs); `commandIds` are the client commands now durable (also resent ones that
   * were stored before).
   */
  'tandem.docs.doc.merged': z
    .object({
      docId: Id,
      kind: DocKindSchema,
      seq: z.number().int().min(0),
      heads: Heads,
      commandIds: z.array(CommandId),
      /** New changes this batch stored (0 when everything was a resend). */
      changes: z.number().int().min(0),
    })
    .strict(),
  /**
   * Users were newly assigned to a kanban card by a merged batch (the board's assignees after it
   * minus before), attributed to the user whose command made the change. `seq` is the stored batch
   * that did it, so assigning the same user again after an unassignment is a new event. Read by the
   * notifications service (the assignees who can read the board are told).
   */
  'tandem.docs.card.assigned': z
    .object({
      docId: Id,
      cardId: Id,
      title: z.string().max(300),
      assigneeIds: z.array(Id).min(1),
      byUserId: Id,
      seq: z.number().int().min(1),
    })
    .strict(),
  /** A client command's changes were refused; nothing of it was stored. */
  'tandem.docs.doc.rejected': z
    .object({ docId: Id, commandId: CommandId, userId: Id, code: DocRejectionCode, message: z.string().max(500) })
    .strict(),
};
