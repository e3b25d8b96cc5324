import * as A from '@automerge/automerge';
import { DocumentError } from './errors';
import { CURRENT_SCHEMA, DocKind, DocOfKind, isDocKind } from './kinds';

/**
 * The actor of every document's first change ("tandem.init" in hex). Reserved: no client or
 * service may write with it, or its sequence numbers would collide with the initial change.
 */
export const INIT_ACTOR = '74616e64656d2e696e6974';

/** The message of a kind's initial change (JSON, like every Tandem change message; see history/author.ts). */
export function initialMessage(kind: DocKind): string {
  return JSON.stringify({ init: kind });
}

const cache = new Map<DocKind, Uint8Array>();

/**
 * The first change of every document of `kind`: a fixed actor, time 0 and a fixed message over
 * the same operations, so it is byte-for-byte (and hash-for-hash) identical on every client and
 * the server. Documents created independently (two clients offline, or a client and the server)
 * therefore share their root objects — the text, the shapes map, the card map, the counter — and
 * merge without a conflict at the root. NEVER change what this writes for an existing kind: the
 * hashes are pinned by a test, and a new structure is a schema migration instead.
 */
export function initialChange(kind: DocKind): Uint8Array {
  if (!isDocKind(kind)) throw new DocumentError('unknown-kind', `unknown document kind "${String(kind)}"; use one of counter, richtext, whiteboard, kanban`);
  let change = cache.get(kind);
  if (!change) {
    const doc = A.change(A.init<Record<string, unknown>>({ actor: INIT_ACTOR }), { message: initialMessage(kind), time: 0 }, (d) => {
      d.kind = kind;
      d.schema = 1;
      switch (kind) {
        case 'counter':
          d.count = new A.Counter(0);
          break;
        case 'richtext':
          d.text = '';
          break;
        case 'whiteboard':
          d.items = {};
          break;
        case 'kanban':
          d.columns = {};
          d.cards = {};
          break;
      }
    });
    change = A.getLastLocalChange(doc)!;
    cache.set(kind, change);
  }
  return change.slice();
}

/** Hash of the initial change of `kind` (the first head of every such document). */
export function initialHash(kind: DocKind): string {
  return A.decodeChange(initialChange(kind)).hash;
}

/**
 * A new document of `kind` holding only the initial change, writing as `actor` (random if omitted).
 * Schema version 1 is what `initialChange` writes; {@link CURRENT_SCHEMA} may be higher once
 * migrations exist, in which case call `migrate` on it.
 */
export function createDoc<K extends DocKind>(kind: K, actor?: string): A.Doc<DocOfKind[K]> {
  if (actor !== undefined && actor.toLowerCase() === INIT_ACTOR) throw new DocumentError('reserved-actor', `actor ${INIT_ACTOR} is reserved for initial changes; pass another actor id or none`);
  const [doc] = A.applyChanges(A.init<DocOfKind[K]>(actor === undefined ? undefined : { actor }), [initialChange(kind)]);
  return doc;
}

/** Loads saved bytes (a document or concatenated changes) as `actor`. */
export function loadDoc<T>(bytes: Uint8Array, actor?: string): A.Doc<T> {
  if (actor !== undefined && actor.toLowerCase() === INIT_ACTOR) throw new DocumentError('reserved-actor', `actor ${INIT_ACTOR} is reserved for initial changes; pass another actor id or none`);
  return A.load<T>(bytes, actor === undefined ? undefined : { actor });
}

/** The kind of a document, or a `schema-invalid` error. */
export function kindOf(doc: unknown): DocKind {
  const kind = (doc as { kind?: unknown } | null)?.kind;
  if (isDocKind(kind)) return kind;
  throw new DocumentError(kind === undefined ? 'schema-invalid' : 'unknown-kind', `document has ${kind === undefined ? 'no kind field' : `unknown kind "${String(kind)}"`}; it was not created by createDoc()`);
}

export { CURRENT_SCHEMA };
