import * as A from '@automerge/automerge';
import { holdsHeads } from './history-lookup';
import { DocumentError } from '../errors';
import { INIT_ACTOR } from '../initial';
import { parseChangeMessage } from './author';

/** One entry of a document's history: consecutive changes made close together in time. */
export interface Version {
  /** Heads after this version's last change: pass to viewAt / diffVersions / restoreChange. */
  heads: A.Heads;
  /** Heads before its first change (the previous version's `heads`; `[]` for the first). */
  parentHeads: A.Heads;
  /** Unix ms of the first and last change (as the writers' clocks said). */
  from: number;
  to: number;
  /** User ids from the change messages, sorted; `actor:<id>` for changes without one. */
  authors: string[];
  /** What the version is: the document's creation, ordinary edits, a restore, a schema migration. */
  type: 'created' | 'edit' | 'restore' | 'migration';
  changes: number;
  /** Automerge operations in its changes. */
  ops: number;
  /** Encoded size of its changes, bytes. */
  bytes: number;
}

export interface ListVersionsOptions {
  /** A pause longer than this between changes starts a new version (default 5 minutes). */
  gapMs?: number;
  /** A version holds at most this many changes (default unlimited). */
  maxChanges?: number;
  /**
   * A list returned earlier for this document (same options): only the changes since its last
   * version's start are read, and that version is regrouped with them. Same result as a full
   * listing, for a fraction of the cost on long histories (for a service keeping an index).
   */
  previous?: readonly Version[];
}

/**
 * The document's history as versions, oldest first. Changes are taken in causal order (a change
 * after all the changes it depends on), so every version's `heads` is a state that really existed
 * or is the merge of states that did. Restores, migrations and the creation are versions of their own.
 * Needs the full history (a document loaded from a snapshot with history, not a shallow one).
 */
export function listVersions(doc: A.Doc<unknown>, options: ListVersionsOptions = {}): Version[] {
  const gapMs = options.gapMs ?? 5 * 60_000;
  const maxChanges = options.maxChanges ?? Infinity;
  const previous = options.previous ?? [];
  const kept = previous.slice(0, -1);
  // Everything before the last version is causally closed under its parentHeads: read only after them.
  const since = previous.length ? previous[previous.length - 1].parentHeads : [];
  if (since.length) assertHeads(doc, since);
  const metas = A.getChangesMetaSince(doc, since);
  const bytes = A.getChangesSince(doc, since);
  const sizeOf = new Map<string, number>();
  if (bytes.length === metas.length) metas.forEach((m, i) => sizeOf.set(m.hash, bytes[i].length));
  else for (const b of bytes) sizeOf.set(A.decodeChange(b).hash, b.length);

  const versions: Version[] = [...kept];
  const heads = new Set<string>(since);
  let current: (Version & { authorSet: Set<string> }) | null = null;
  for (const meta of causalOrder(metas)) {
    const info = parseChangeMessage(meta.message);
    const type: Version['type'] = meta.actor === INIT_ACTOR || info.init !== undefined ? 'created' : info.restore ? 'restore' : info.migrate ? 'migration' : 'edit';
    const time = meta.time * 1000;
    const author = info.userId ?? (type === 'edit' || type === 'restore' ? `actor:${meta.actor}` : null);
    const startsNew = current === null || type !== 'edit' || current.type !== 'edit' || time - current.to > gapMs || current.changes >= maxChanges;
    if (startsNew) {
      if (current) versions.push(finish(current));
      current = { heads: [], parentHeads: [...heads].sort(), from: time, to: time, authors: [], authorSet: new Set(), type, changes: 0, ops: 0, bytes: 0 };
    }
    const v = current!;
    for (const dep of meta.deps) heads.delete(dep);
    heads.add(meta.hash);
    v.heads = [...heads].sort();
    v.from = Math.min(v.from, time);
    v.to = Math.max(v.to, time);
    if (author) v.authorSet.add(author);
    v.changes += 1;
    v.ops += meta.maxOp - meta.startOp + 1;
    v.bytes += sizeOf.get(meta.hash) ?? 0;
  }
  if (current) versions.push(finish(current));
  return versions;
}

/** The document as it was at `heads` (read-only; render it with the kind's views). */
export function viewAt<T>(doc: A.Doc<T>, heads: A.Heads): A.Doc<T> {
  assertHeads(doc, heads);
  return A.view(doc, heads);
}

export function assertHeads(doc: A.Doc<unknown>, heads: A.Heads): void {
  if (!Array.isArray(heads) || !heads.every((h) => typeof h === 'string' && /^[0-9a-f]{64}$/.test(h))) {
    throw new DocumentError('invalid-argument', 'heads must be an array of change hashes (64 hex characters), as listed by listVersions');
  }
  if (!holdsHeads(doc, heads)) throw new DocumentError('not-found', `version ${heads.join(',')} is not in this document's history (yet): sync the document first`);
}

function finish(v: Version & { authorSet: Set<string> }): Version {
  const { authorSet, ...rest } = v;
  return { ...rest, authors: [...authorSet].sort() };
}

/** Metas in an order where every change comes after its deps (Automerge's order already is; this makes sure). */
function causalOrder(metas: A.ChangeMetadata[]): A.ChangeMetadata[] {
  const seen = new Set<string>();
  let ordered = true;
  for (const m of metas) {
    if (!m.deps.every((d) => seen.has(d))) {
      ordered = false;
      break;
    }
    seen.add(m.hash);
  }
  if (ordered) return metas;
  const byHash = new Map(metas.map((m) => [m.hash, m]));
  const out: A.ChangeMetadata[] = [];
  const done = new Set<string>();
  const visit = (m: A.ChangeMetadata) => {
    const stack: [A.ChangeMetadata, number][] = [[m, 0]];
    while (stack.length) {
      const top = stack[stack.length - 1];
      const [node, i] = top;
      if (done.has(node.hash)) {
        stack.pop();
        continue;
      }
      if (i < node.deps.length) {
        top[1]++;
        const dep = byHash.get(node.deps[i]);
        if (dep && !done.has(dep.hash)) stack.push([dep, 0]);
      } else {
        done.add(node.hash);
        out.push(node);
        stack.pop();
      }
    }
  };
  for (const m of [...metas].sort((a, b) => a.time - b.time)) visit(m);
  return out;
}
