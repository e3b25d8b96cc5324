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
 * Where the editing traces are: $EDITING_TRACES_DIR, else `shared/data/editing-traces` in the
 * nearest ancestor of this file that has one (`../shared` of /work/main, `../../shared` of a
 * worktree), else an error saying what to set.
 */
export function tracesDir(): string {
  if (process.env.EDITING_TRACES_DIR) return process.env.EDITING_TRACES_DIR;
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data', 'editing-traces');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('editing traces not found: set EDITING_TRACES_DIR to the folder holding seph-blog1.json.gz etc.');
}

export function loadTrace<T = SequentialTrace>(name: string): T {
  return JSON.parse(gunzipSync(readFileSync(join(tracesDir(), name))).toString('utf8')) as T;
}
