import { z } from 'zod';
import { CommandId, Id } from '../ids';
import { DocsAclCommandSchemas } from './acl.events';

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
};
