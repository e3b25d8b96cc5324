import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A sequential editing trace (see shared/data/editing-traces/README.md). */
export interface SequentialTrace {
  startContent: string;
  endContent: string;
  txns: { time: string; patches: [number, number, string][] }[];
}

/** A concurrent editing trace: each transaction names the earlier ones it was typed against. */
export interface ConcurrentTrace {
  kind: 'concurrent';
  endContent: string;
  numAgents: number;
  txns: { parents: number[]; agent: number; patches: [number, number, string][] }[];
}

/**
 * Where the editing traces are: $EDITING_TRACES_DIR, else the copy kept in the repository
 * (`fixtures/editing-traces`, CC BY 4.0, see its README) so a clone anywhere has them.
 */
export function tracesDir(): string {
  if (process.env.EDITING_TRACES_DIR) return process.env.EDITING_TRACES_DIR;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'fixtures', 'editing-traces');
    if (existsSync(join(candidate, 'README.md'))) return candidate;
  }
  throw new Error('editing traces not found: the repository keeps them in fixtures/editing-traces; or set EDITING_TRACES_DIR to a folder holding seph-blog1.json.gz etc.');
}

export function loadTrace<T = SequentialTrace>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(join(tracesDir(), name))).toString('utf8')) as T;
}

/**
 * Replays a concurrent trace locally, one peer (actor) per agent: each transaction is typed on its
 * agent's copy after exactly the changes of its `parents` (and their ancestors) have reached that
 * copy, as one change. `apply(d, pos, del, ins)` performs one patch inside the change. Returns every
 * agent's final document after all peers exchanged everything, and the changes by transaction.
 */
export function replayConcurrentTrace<T>(
  trace: ConcurrentTrace,
  start: () => import('@automerge/automerge').Doc<T>,
  apply: (d: T, pos: number, del: number, ins: string) => void,
  A: typeof import('@automerge/automerge'),
): { docs: import('@automerge/automerge').Doc<T>[]; changes: Uint8Array[]; mergeCalls: number } {
  const changes: Uint8Array[] = [];
  const docs = Array.from({ length: trace.numAgents }, (_, i) => A.clone(start(), (i + 1).toString(16).padStart(4, '0') + 'cafe'));
  const has = docs.map(() => new Set<number>());
  let mergeCalls = 0;
  trace.txns.forEach((txn, i) => {
    const agent = txn.agent;
    const missing: number[] = [];
    const stack = [...txn.parents];
    const seen = new Set<number>();
    while (stack.length) {
      const x = stack.pop()!;
      if (seen.has(x) || has[agent].has(x)) continue;
      seen.add(x);
      missing.push(x);
      stack.push(...trace.txns[x].parents);
    }
    if (missing.length) {
      missing.sort((a, b) => a - b);
      [docs[agent]] = A.applyChanges(docs[agent], missing.map((x) => changes[x]));
      for (const x of missing) has[agent].add(x);
      mergeCalls++;
    }
    docs[agent] = A.change(docs[agent], (d) => {
      for (const [pos, del, ins] of txn.patches) apply(d as T, pos, del, ins);
    });
    changes[i] = A.getLastLocalChange(docs[agent])!;
    has[agent].add(i);
  });
  const all = changes;
  const final = docs.map((doc, agent) => A.applyChanges(doc, all.filter((_, i) => !has[agent].has(i)))[0]);
  return { docs: final, changes, mergeCalls };
}
