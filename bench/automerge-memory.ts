/**
 * What a loaded Automerge 3.5 document holds in memory, against the docs service's estimate of it
 * (`estimateBytes`, which `DOCS_MEMORY_CAP_MB` bounds), for documents of different shapes: the same
 * 1,000 characters made by 1, 20 or 1,000 changes, 20,000 characters by 2,000, and the whole
 * `automerge-paper` history (issue 4, memory).
 *
 * Each shape runs in a child process of its own: one load first (its WebAssembly high-water mark is
 * what loading needs), then COPIES more loads of the same saved bytes; held = growth of the
 * WebAssembly memory's resident pages (/proc/self/smaps) per copy.
 *
 *   node -r ./scripts/register.js bench/automerge-memory.ts      # ~1 min, then bench/results/automerge-memory.json
 */
import * as A from '@automerge/automerge';
import { createDoc, richtext } from '@tandem/documents';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LiveDoc, estimateBytes } from '../services/docs/src/documents/document-cache';
import { paperSnapshot } from './support/paper-snapshot';
import { residentByKindOf } from './support/proc';

const ROOT = join(__dirname, '..');
const log = (m: string) => process.stdout.write(`[automerge-memory] ${m}\n`);
const KiB = 1024;

interface Shape {
  name: string;
  characters: number;
  changes: number;
  copies: number;
}
const SHAPES: Shape[] = [
  { name: '1,000 characters, 1 change', characters: 1000, changes: 1, copies: 300 },
  { name: '1,000 characters, 20 changes', characters: 1000, changes: 20, copies: 300 },
  { name: '1,000 characters, 1,000 changes (typed)', characters: 1000, changes: 1000, copies: 100 },
  { name: '20,000 characters, 2,000 changes', characters: 20000, changes: 2000, copies: 30 },
];

interface Measured {
  name: string;
  savedBytes: number;
  changes: number;
  ops: number;
  loadHighWaterKiB: number;
  heldKiB: number;
  estimateKiB: number;
  estimateToHeld: number;
}

function build(shape: Shape): Uint8Array {
  let doc = createDoc('richtext');
  const step = shape.characters / shape.changes;
  for (let i = 0; i < shape.changes; i++) doc = A.change(doc, (d) => richtext.insertText(d, i * step, 'x'.repeat(step)));
  return A.save(doc);
}

/** Child: loads `file` once, then `copies` more times, and prints what it measured as JSON. */
function measure(name: string, file: string, copies: number): Measured {
  const bytes = new Uint8Array(readFileSync(file));
  const wasmKiB = () => residentByKindOf(process.pid).wasm * KiB;
  const start = wasmKiB();
  const first = A.load(bytes);
  const loadHighWaterKiB = wasmKiB() - start;
  const before = wasmKiB();
  const docs = Array.from({ length: copies }, () => A.load(bytes));
  const heldKiB = (wasmKiB() - before) / copies;
  const { numChanges, numOps } = A.stats(first);
  const live = { doc: first } as LiveDoc;
  const estimateKiB = estimateBytes(live) / KiB;
  for (const d of [first, ...docs]) A.free(d);
  return {
    name,
    savedBytes: bytes.byteLength,
    changes: numChanges,
    ops: numOps,
    loadHighWaterKiB: Math.round(loadHighWaterKiB),
    heldKiB: Math.round(heldKiB * 10) / 10,
    estimateKiB: Math.round(estimateKiB * 10) / 10,
    estimateToHeld: Math.round((estimateKiB / heldKiB) * 100) / 100,
  };
}

function main(): void {
  const inputs: Array<{ name: string; bytes: Uint8Array; copies: number }> = SHAPES.map((s) => ({ name: s.name, bytes: build(s), copies: s.copies }));
  const paper = paperSnapshot(log);
  inputs.push({ name: 'automerge-paper (259,779 changes)', bytes: paper.bytes, copies: 3 });
  const results: Measured[] = [];
  for (const input of inputs) {
    const file = join(tmpdir(), `tandem-bench-automerge-memory-${results.length}.automerge`);
    writeFileSync(file, input.bytes);
    const out = execFileSync(process.execPath, ['-r', join(ROOT, 'scripts/register.js'), __filename, '--child', input.name, file, String(input.copies)], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 300_000,
    });
    const m = JSON.parse(out) as Measured;
    log(`${m.name}: saved ${m.savedBytes} B, ${m.changes} changes, ${m.ops} ops; holds ${m.heldKiB} KiB (loading needs ${m.loadHighWaterKiB} KiB); estimate ${m.estimateKiB} KiB (${m.estimateToHeld}×)`);
    results.push(m);
  }
  const result = {
    benchmark: 'automerge-memory',
    command: 'node -r ./scripts/register.js bench/automerge-memory.ts',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    automerge: JSON.parse(readFileSync(join(ROOT, 'node_modules/@automerge/automerge/package.json'), 'utf8')).version,
    shapes: results,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/automerge-memory.json'), `${JSON.stringify(result, null, 2)}\n`);
  log('written to bench/results/automerge-memory.json');
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(process.argv[3], process.argv[4], Number(process.argv[5]))));
} else {
  main();
}
