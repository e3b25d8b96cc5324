import * as A from '@automerge/automerge';
import { MARK_EXPAND, TEXT_PATH } from '../richtext/richtext.ops';
import { changeMessage } from './author';
import type { DocKind } from '../kinds';
import { Migration, migrate } from '../schema/migrate';
import { assertHeads } from './versions';

/** Keys whose object value is one register (written whole, never field by field): a card's place. */
const ATOMIC_KEYS = new Set(['place']);

/**
 * Restores the version at `heads` as ONE NEW change on top of the current state (message
 * `{"userId", "restore": heads}`): afterwards the document reads as it did then, and every change
 * made since stays in history (restoring is undoable by restoring again). It is an ordinary edit:
 * minimal text edits (Automerge `updateSpans`/`updateText`, so marks and blocks come back too),
 * counter increments by the difference, keys put back or deleted. Edits others make concurrently
 * with the restore merge with it like any edit (an edit to an object the restore deletes stays
 * deleted; a new card or shape someone adds concurrently stays).
 * A version older than a schema migration is migrated before it is restored.
 * Returns the same document when the current state already equals that version.
 */
export function restoreChange<T>(
  doc: A.Doc<T>,
  heads: A.Heads,
  options: { userId: string; time?: number; migrations?: readonly Migration[]; current?: Readonly<Record<DocKind, number>> },
): A.Doc<T> {
  assertHeads(doc, heads);
  let old = A.view(doc, heads) as unknown as Record<string, unknown>;
  // A version from before a schema migration is migrated first: restoring never downgrades the schema.
  if (typeof old.schema === 'number' && old.schema < ((doc as { schema?: number }).schema ?? 0)) {
    old = migrate(A.clone(old as A.Doc<Record<string, unknown>>), { migrations: options.migrations, current: options.current }) as Record<string, unknown>;
  }
  const message = changeMessage(options.userId, { restore: [...heads].sort() });
  const changeOpts = options.time === undefined ? { message } : { message, time: options.time };
  return A.change(doc, changeOpts, (d) => {
    const root = d as unknown as Record<string, unknown>;
    if (old.kind === 'richtext' && typeof old.text === 'string' && typeof root.text === 'string') {
      const oldSpans = A.spans(old as never, TEXT_PATH);
      const plain = (spans: A.Span[]) => spans.every((x) => x.type === 'text' && (!x.marks || Object.keys(x.marks).length === 0));
      // updateText is several times cheaper than updateSpans: use it when there is no formatting on either side.
      if (plain(oldSpans) && plain(A.spans(d as A.Doc<unknown>, TEXT_PATH))) {
        if (root.text !== old.text) A.updateText(d as A.Doc<unknown>, TEXT_PATH, old.text);
      } else {
        A.updateSpans(d as A.Doc<unknown>, TEXT_PATH, oldSpans, { defaultExpand: 'after', perMarkExpand: MARK_EXPAND as Record<string, 'before' | 'after' | 'both' | 'none'> });
      }
      restoreMap(d, root, old, [], new Set(['text']));
    } else {
      restoreMap(d, root, old, [], new Set());
    }
  });
}

function restoreMap(d: unknown, target: Record<string, unknown>, old: Record<string, unknown>, path: A.Prop[], skip: Set<string>): void {
  for (const key of Object.keys(target)) if (!(key in old) && !skip.has(key)) delete target[key];
  for (const [key, value] of Object.entries(old)) {
    if (skip.has(key)) continue;
    const cur = target[key];
    if (value instanceof A.Counter) {
      if (cur instanceof A.Counter) {
        if (cur.value !== value.value) cur.increment(value.value - cur.value);
      } else target[key] = new A.Counter(value.value);
    } else if (typeof value === 'string') {
      if (typeof cur === 'string') {
        if (cur !== value) A.updateText(d as A.Doc<unknown>, [...path, key], value);
      } else target[key] = value;
    } else if (Array.isArray(value)) {
      if (Array.isArray(cur)) restoreList(cur, value);
      else target[key] = plain(value);
    } else if (isMap(value)) {
      if (isMap(cur) && !ATOMIC_KEYS.has(key)) restoreMap(d, cur, value, [...path, key], new Set());
      else if (!(isMap(cur) && sameJson(cur, value))) target[key] = plain(value);
    } else if (!sameScalar(cur, value)) {
      target[key] = plain(value);
    }
  }
}

/** Keeps the common prefix and suffix, replaces the middle (appended stroke points restore cheaply). */
function restoreList(cur: unknown[], old: unknown[]): void {
  if (sameJson(cur, old)) return;
  let head = 0;
  while (head < cur.length && head < old.length && isScalar(old[head]) && sameScalar(cur[head], old[head])) head++;
  let tail = 0;
  while (tail < cur.length - head && tail < old.length - head && isScalar(old[old.length - 1 - tail]) && sameScalar(cur[cur.length - 1 - tail], old[old.length - 1 - tail])) tail++;
  const removed = cur.length - head - tail;
  if (removed > 0) A.deleteAt(cur, head, removed);
  const inserted = old.slice(head, old.length - tail).map(plain);
  if (inserted.length) A.insertAt(cur, head, ...inserted);
}

/** A detached copy of a value read from a view (views' objects cannot be re-inserted as they are). */
function plain(value: unknown): unknown {
  if (value instanceof A.Counter) return new A.Counter(value.value);
  if (value instanceof Date) return new Date(value.getTime());
  if (value instanceof Uint8Array) return value.slice();
  if (Array.isArray(value)) return value.map(plain);
  if (isMap(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = plain(v);
    return out;
  }
  return value;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) && !(v instanceof A.Counter);
}

function isScalar(v: unknown): boolean {
  return v === null || typeof v !== 'object' || v instanceof Date;
}

function sameScalar(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (a instanceof Uint8Array && b instanceof Uint8Array) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
