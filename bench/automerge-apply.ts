/**
 * What applying another user's keystroke costs on the full `automerge-paper` document, with the
 * Automerge the platform uses (3.5) against the last Automerge 2 (2.2.9, its `next` API: the same
 * document model, strings as text) as the reference, in the same run on the same saved bytes
 * (issue 4, typing speed at scale: every peer pays this per batch of arrivals).
 *
 * Each version runs in a child process of its own, twice, alternating (3, 2, 3, 2), so that one's
 * WebAssembly memory does not count for the other and the machine's drift shows. Per version: load of
 * the saved paper, memory it holds, a local keystroke (`change`), one remote keystroke
 * (`applyChanges` of one change by another actor), and a batch of 50 remote keystrokes in one call.
 * Also, on a small text (3,000 one-character changes, as a fan-out room builds in a minute): the
 * cost of one `applyChanges` call carrying 1, 5 or 25 remote keystrokes (what the SDK's
 * `ApplyPacer` interval is for).
 * Both must end with the same text as the typist (checked).
 *
 *   node -r ./scripts/register.js bench/automerge-apply.ts          # ~2 min, then bench/results/automerge-apply.json
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { paperSnapshot } from './support/paper-snapshot';

const ROOT = join(__dirname, '..');
const log = (m: string) => process.stdout.write(`[automerge-apply] ${m}\n`);

/** The calls measured, common to both versions' APIs. */
interface Api {
  load(bytes: Uint8Array): Doc;
  from(initial: { text: string }): Doc;
  clone(doc: Doc, actor: string): Doc;
  change(doc: Doc, edit: (d: { text: string }) => void): Doc;
  splice(d: { text: string }, path: string[], index: number, del: number, insert: string): void;
  getLastLocalChange(doc: Doc): Uint8Array | undefined;
  applyChanges(doc: Doc, changes: Uint8Array[]): [Doc];
}
type Doc = { text: string };

const VERSIONS: Record<string, () => { api: Api; version: string }> = {
  '3': () => ({ api: require('@automerge/automerge') as Api, version: packageVersion('@automerge/automerge') }),
  '2': () => ({ api: require('automerge-2').next as Api, version: packageVersion('automerge-2') }),
};

function packageVersion(name: string): string {
  return JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;
}

interface Measured {
  version: string;
  loadMs: number;
  heldMiB: { rss: number; external: number };
  localKeystrokeMs: Stats;
  remoteKeystrokeMs: Stats;
  remoteBatchOf50Ms: Stats;
  /** Small text: ms per call, by keystrokes per call. */
  smallTextCallMs: Record<string, Stats>;
  textLength: number;
}
interface Stats {
  runs: number;
  p50: number;
  min: number;
  max: number;
}

/** Child: measures one version on the bytes in `file` and prints the result as JSON. */
function measure(which: string, file: string): Measured {
  const { api: A, version } = VERSIONS[which]();
  const bytes = new Uint8Array(readFileSync(file));
  const memory = () => {
    global.gc?.();
    const m = process.memoryUsage();
    return { rss: m.rss, external: m.external + m.arrayBuffers };
  };
  const before = memory();
  let started = performance.now();
  let doc = A.load(bytes);
  const loadMs = performance.now() - started;
  const held = memory();

  const at = (n: number) => Math.floor(doc.text.length / 2) + n;
  const timed = (runs: number, step: () => void): Stats => {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      started = performance.now();
      step();
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return { runs, p50: round(times[Math.floor(runs / 2)]), min: round(times[0]), max: round(times.at(-1)!) };
  };

  let typist = A.clone(doc, 'ab'.repeat(16));
  const keystroke = (i: number) => {
    typist = A.change(typist, (d) => A.splice(d, ['text'], at(i), 0, 'y'));
    return A.getLastLocalChange(typist)!;
  };
  // Local keystrokes on a copy of its own, so that the receiver and the typist stay level.
  let local = A.clone(doc, 'cd'.repeat(16));
  const localKeystrokeMs = timed(21, () => void (local = A.change(local, (d) => A.splice(d, ['text'], at(0), 0, 'x'))));
  const remoteKeystrokeMs = timed(21, () => {
    const change = keystroke(1);
    [doc] = A.applyChanges(doc, [change]);
  });
  const remoteBatchOf50Ms = timed(5, () => {
    const batch = Array.from({ length: 50 }, (_, i) => keystroke(i));
    [doc] = A.applyChanges(doc, batch);
  });
  if (doc.text !== typist.text) throw new Error(`Automerge ${version}: the receiving document does not hold the typist's text`);

  let small = A.from({ text: '' });
  for (let i = 0; i < 3000; i++) small = A.change(small, (d) => A.splice(d, ['text'], Math.floor(i / 2), 0, 'ab'[i % 2]));
  const smallTextCallMs: Record<string, Stats> = {};
  for (const perCall of [1, 5, 25]) {
    let receiver = A.clone(small, '01'.repeat(16));
    let sender = A.clone(small, '23'.repeat(16));
    smallTextCallMs[perCall] = timed(21, () => {
      const batch = Array.from({ length: perCall }, () => {
        sender = A.change(sender, (d) => A.splice(d, ['text'], 1500, 0, 'y'));
        return A.getLastLocalChange(sender)!;
      });
      [receiver] = A.applyChanges(receiver, batch);
    });
    if (receiver.text !== sender.text) throw new Error(`Automerge ${version}: the small text did not converge`);
  }
  const mib = (x: number) => Math.round((x / 2 ** 20) * 10) / 10;
  return {
    version,
    loadMs: round(loadMs),
    heldMiB: { rss: mib(held.rss - before.rss), external: mib(held.external - before.external) },
    localKeystrokeMs,
    remoteKeystrokeMs,
    remoteBatchOf50Ms,
    smallTextCallMs,
    textLength: doc.text.length,
  };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}

function main(): void {
  const paper = paperSnapshot(log);
  const file = join(tmpdir(), 'tandem-bench-automerge-apply.automerge');
  writeFileSync(file, paper.bytes);
  const rounds: Measured[][] = [];
  for (let round = 1; round <= 2; round++) {
    const pair: Measured[] = [];
    for (const which of ['3', '2']) {
      log(`round ${round}: Automerge ${which}.x on the paper (${paper.bytes.byteLength} bytes, ${paper.changes} changes)…`);
      const out = execFileSync(
        process.execPath,
        ['--expose-gc', '-r', join(ROOT, 'scripts/register.js'), __filename, '--child', which, file],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 600_000 },
      );
      const m = JSON.parse(out) as Measured;
      log(
        `  ${m.version}: load ${m.loadMs} ms, holds ${m.heldMiB.rss} MiB RSS; local keystroke p50 ${m.localKeystrokeMs.p50} ms; ` +
          `remote keystroke p50 ${m.remoteKeystrokeMs.p50} ms (${m.remoteKeystrokeMs.min}–${m.remoteKeystrokeMs.max}); 50 remote in one call p50 ${m.remoteBatchOf50Ms.p50} ms; ` +
          `small text, one call of 1 / 5 / 25 p50 ${[1, 5, 25].map((n) => m.smallTextCallMs[n].p50).join(' / ')} ms`,
      );
      pair.push(m);
    }
    rounds.push(pair);
  }
  const ratio = (f: (m: Measured) => number) => rounds.map(([v3, v2]) => Math.round((f(v3) / f(v2)) * 10) / 10);
  const ratios = {
    remoteKeystroke: ratio((m) => m.remoteKeystrokeMs.p50),
    remoteBatchOf50: ratio((m) => m.remoteBatchOf50Ms.p50),
    localKeystroke: ratio((m) => m.localKeystrokeMs.p50),
    load: ratio((m) => m.loadMs),
    heldRss: ratio((m) => m.heldMiB.rss),
  };
  log(`Automerge 3 / Automerge 2 per round: remote keystroke ${ratios.remoteKeystroke.join(', ')}×; 50 remote ${ratios.remoteBatchOf50.join(', ')}×; local ${ratios.localKeystroke.join(', ')}×; load ${ratios.load.join(', ')}×; memory held ${ratios.heldRss.join(', ')}×`);
  const result = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    document: { trace: 'automerge-paper.json.gz', bytes: paper.bytes.byteLength, changes: paper.changes, textLength: paper.text.length },
    rounds: rounds.map(([v3, v2]) => ({ automerge3: v3, automerge2: v2 })),
    ratioAutomerge3ToAutomerge2: ratios,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/automerge-apply.json'), `${JSON.stringify(result, null, 2)}\n`);
  log('written to bench/results/automerge-apply.json');
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(process.argv[3], process.argv[4])));
} else {
  main();
}
