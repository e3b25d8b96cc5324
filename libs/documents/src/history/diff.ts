import * as A from '@automerge/automerge';
import { kindOf } from '../initial';
import type { CounterDoc, KanbanDoc, RichTextDoc, WhiteboardDoc } from '../kinds';
import { assertHeads } from './versions';

/** A span of the text diff. Block markers are shown as `\n`. */
export interface TextSegment {
  type: 'equal' | 'insert' | 'delete';
  text: string;
}

/** A formatting change, in the NEW text's indices (`value: null` = removed). */
export interface FormatChange {
  name: string;
  value: A.MarkValue | null;
  start: number;
  end: number;
}

/** `field` is a dotted path inside the object (`x`, `style.color`, `place.columnId`). */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface ObjectDiff<T> {
  added: T[];
  removed: T[];
  changed: { id: string; before: T; after: T; fields: FieldChange[] }[];
}

export type DocDiff =
  | { kind: 'richtext'; segments: TextSegment[]; inserted: number; deleted: number; formatting: FormatChange[]; blocksChanged: number }
  | { kind: 'whiteboard'; items: ObjectDiff<WhiteboardDoc['items'][string]> }
  | { kind: 'kanban'; columns: ObjectDiff<KanbanDoc['columns'][string]>; cards: ObjectDiff<KanbanDoc['cards'][string]> }
  | { kind: 'counter'; from: number; to: number; delta: number };

/**
 * What changed between two versions, readable: for rich text the text as equal / inserted / deleted
 * segments (from Automerge's own diff, so it shows what was really typed and deleted) plus
 * formatting and block changes; for the others the added, removed and changed objects field by field.
 */
export function diffVersions(doc: A.Doc<unknown>, fromHeads: A.Heads, toHeads: A.Heads): DocDiff {
  assertHeads(doc, fromHeads);
  assertHeads(doc, toHeads);
  const before = A.view(doc, fromHeads);
  const after = A.view(doc, toHeads);
  const kind = kindOf(after);
  switch (kind) {
    case 'richtext':
      return textDiff((before as RichTextDoc).text ?? '', A.diff(doc, fromHeads, toHeads));
    case 'whiteboard':
      return { kind, items: objectDiff((before as WhiteboardDoc).items, (after as WhiteboardDoc).items) };
    case 'kanban':
      return {
        kind,
        columns: objectDiff((before as KanbanDoc).columns, (after as KanbanDoc).columns),
        cards: objectDiff((before as KanbanDoc).cards, (after as KanbanDoc).cards),
      };
    case 'counter': {
      const from = (before as CounterDoc).count?.value ?? 0;
      const to = (after as CounterDoc).count?.value ?? 0;
      return { kind, from, to, delta: to - from };
    }
  }
}

/** Applies the text patches of `patches` to `oldText`, keeping deleted text as `delete` segments. */
export function textDiff(oldText: string, patches: A.Patch[]): Extract<DocDiff, { kind: 'richtext' }> {
  // Segments in order; `equal` + `insert` text is the new text, `equal` + `delete` the old one.
  let segs: TextSegment[] = oldText.length ? [{ type: 'equal', text: oldText }] : [];
  const formatting: FormatChange[] = [];
  const blockEdits = new Set<number>();
  for (const p of patches) {
    if (p.path[0] !== 'text') continue;
    if (p.path.length === 1) {
      if (p.action === 'mark') for (const m of p.marks) formatting.push({ name: m.name, value: m.value, start: m.start, end: m.end });
      else if (p.action === 'unmark') formatting.push({ name: p.name, value: null, start: p.start, end: p.end });
      continue;
    }
    const index = p.path[1] as number;
    if (p.path.length > 2) {
      blockEdits.add(index);
      continue;
    }
    if (p.action === 'splice') {
      segs = insertAt(segs, index, p.value);
      shiftInsert(formatting, index, p.value.length);
    } else if (p.action === 'insert') {
      segs = insertAt(segs, index, '\uFFFC'.repeat(p.values.length));
      shiftInsert(formatting, index, p.values.length);
      blockEdits.add(index);
    } else if (p.action === 'del') {
      segs = deleteAt(segs, index, p.length ?? 1);
      shiftDelete(formatting, index, p.length ?? 1);
    }
  }
  // Between two equal segments, show everything deleted first, then everything inserted.
  const merged: TextSegment[] = [];
  let pending: { delete: string; insert: string } = { delete: '', insert: '' };
  const flush = () => {
    if (pending.delete) merged.push({ type: 'delete', text: pending.delete });
    if (pending.insert) merged.push({ type: 'insert', text: pending.insert });
    pending = { delete: '', insert: '' };
  };
  for (const s of segs) {
    const text = s.text.replace(/\uFFFC/g, '\n');
    if (text.length === 0) continue;
    if (s.type !== 'equal') {
      pending[s.type] += text;
      continue;
    }
    flush();
    const last = merged[merged.length - 1];
    if (last && last.type === 'equal') last.text += text;
    else merged.push({ type: 'equal', text });
  }
  flush();
  let inserted = 0;
  let deleted = 0;
  for (const s of merged) {
    if (s.type === 'insert') inserted += s.text.length;
    if (s.type === 'delete') deleted += s.text.length;
  }
  return { kind: 'richtext', segments: merged, inserted, deleted, formatting: formatting.filter((f) => f.end > f.start), blocksChanged: blockEdits.size };
}

/** Keeps earlier formatting ranges in the coordinates of the text after later patches. */
function shiftInsert(formatting: FormatChange[], index: number, n: number): void {
  for (const f of formatting) {
    if (f.start >= index) f.start += n;
    if (f.end > index) f.end += n;
  }
}

function shiftDelete(formatting: FormatChange[], index: number, n: number): void {
  const map = (p: number) => (p < index ? p : p < index + n ? index : p - n);
  for (const f of formatting) {
    f.start = map(f.start);
    f.end = map(f.end);
  }
}

/** Finds the segment holding visible (new-text) index `index`: [segment index, offset in it]. */
function locate(segs: TextSegment[], index: number): [number, number] {
  let visible = 0;
  for (let i = 0; i < segs.length; i++) {
    const s = segs[i];
    if (s.type === 'delete') continue;
    if (index <= visible + s.text.length) return [i, index - visible];
    visible += s.text.length;
  }
  return [segs.length, 0];
}

function insertAt(segs: TextSegment[], index: number, text: string): TextSegment[] {
  const [i, off] = locate(segs, index);
  if (i >= segs.length) return [...segs, { type: 'insert', text }];
  const s = segs[i];
  const parts: TextSegment[] = [];
  if (off > 0) parts.push({ type: s.type, text: s.text.slice(0, off) });
  parts.push({ type: 'insert', text });
  if (off < s.text.length) parts.push({ type: s.type, text: s.text.slice(off) });
  return [...segs.slice(0, i), ...parts, ...segs.slice(i + 1)];
}

function deleteAt(segs: TextSegment[], index: number, length: number): TextSegment[] {
  // All indices here are in the text as it was before this deletion.
  const out: TextSegment[] = [];
  const stop = index + length;
  let visible = 0;
  for (const s of segs) {
    if (s.type === 'delete') {
      out.push(s);
      continue;
    }
    const start = visible;
    const end = visible + s.text.length;
    visible = end;
    const from = Math.max(index, start);
    const to = Math.min(stop, end);
    if (from >= to) {
      out.push(s);
      continue;
    }
    const a = from - start;
    const b = to - start;
    if (a > 0) out.push({ type: s.type, text: s.text.slice(0, a) });
    // Deleting text inserted in the same diff leaves no trace; deleting old text shows it struck out.
    if (s.type === 'equal') out.push({ type: 'delete', text: s.text.slice(a, b) });
    if (b < s.text.length) out.push({ type: s.type, text: s.text.slice(b) });
  }
  return out;
}

/** Added, removed and changed entries of two id -> object maps, with the changed fields. */
export function objectDiff<T extends object>(before: Record<string, T> = {}, after: Record<string, T> = {}): ObjectDiff<T> {
  const out: ObjectDiff<T> = { added: [], removed: [], changed: [] };
  for (const [id, b] of Object.entries(before)) {
    const a = after[id];
    if (a === undefined) {
      out.removed.push(b);
      continue;
    }
    const fields = fieldChanges(flatten(b), flatten(a));
    if (fields.length) out.changed.push({ id, before: b, after: a, fields });
  }
  for (const [id, a] of Object.entries(after)) if (!(id in before)) out.added.push(a);
  return out;
}

function fieldChanges(before: Map<string, unknown>, after: Map<string, unknown>): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const from = before.get(key);
    const to = after.get(key);
    if (JSON.stringify(from) !== JSON.stringify(to)) fields.push({ field: key, from, to });
  }
  return fields.sort((x, y) => (x.field < y.field ? -1 : 1));
}

/** Nested maps flattened to dotted keys; arrays and scalars are leaf values. */
function flatten(value: object, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix + k;
    if (v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof Uint8Array) && !(v instanceof A.Counter)) flatten(v, key + '.', out);
    else out.set(key, v instanceof A.Counter ? v.value : Array.isArray(v) ? [...v] : v);
  }
  return out;
}
