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
 * `ApplyPacer` interval is for). And where the cost comes from: one remote keystroke into a text of
 * 1,000, 10,000 and 100,000 characters (does it grow with the text?), and into a second, 5-character
 * text beside the paper's (does it follow the document or the text edited?). Last, the least CPU
 * the 1,000-client fan-out's clients need for their applies alone, from the small-text cost of one
 * more change in a call, with Automerge 3, Automerge 2 and Yjs (the Hocuspocus clients).
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
  /** One remote keystroke into a text of N characters (typed as one change), by N: how the cost grows with the text. */
  remoteKeystrokeByTextLengthMs: Record<string, Stats>;
  /** One remote keystroke into a second, 5-character text of the paper document: whether the cost follows the document or the text edited. */
  remoteKeystrokeSmallTextInPaperMs: Stats;
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

  // The typist adds a 5-character text beside the paper's, then types into it.
  const aside = (d: Doc) => d as unknown as Record<string, string>;
  typist = A.change(typist, (d) => void (aside(d)[ASIDE] = 'hello'));
  [doc] = A.applyChanges(doc, [A.getLastLocalChange(typist)!]);
  const remoteKeystrokeSmallTextInPaperMs = timed(21, () => {
    typist = A.change(typist, (d) => A.splice(d, [ASIDE], 2, 0, 'z'));
    [doc] = A.applyChanges(doc, [A.getLastLocalChange(typist)!]);
  });
  if (aside(doc)[ASIDE] !== aside(typist)[ASIDE]) {
    throw new Error(`Automerge ${version}: the second text did not converge`);
  }

  const remoteKeystrokeByTextLengthMs: Record<string, Stats> = {};
  for (const length of [1_000, 10_000, 100_000]) {
    let receiver = A.change(A.from({ text: '' }), (d) => A.splice(d, ['text'], 0, 0, 'a'.repeat(length)));
    let sender = A.clone(receiver, '45'.repeat(16));
    remoteKeystrokeByTextLengthMs[length] = timed(21, () => {
      sender = A.change(sender, (d) => A.splice(d, ['text'], length / 2, 0, 'y'));
      [receiver] = A.applyChanges(receiver, [A.getLastLocalChange(sender)!]);
    });
    if (receiver.text !== sender.text) throw new Error(`Automerge ${version}: the ${length}-character text did not converge`);
  }

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
    remoteKeystrokeByTextLengthMs,
    remoteKeystrokeSmallTextInPaperMs,
    textLength: doc.text.length,
  };
}

/** The root field the per-object measurement adds beside the paper's text. */
const ASIDE = 'aside';

/**
 * Child: the small-text measurement with Yjs, what the fan-out's Hocuspocus clients apply (each
 * update is applied as it arrives, as its provider does), for the fan-out floor beside Automerge's.
 */
function measureYjs(): { version: string; smallTextCallMs: Record<string, Stats> } {
  const Y = require('yjs') as typeof import('yjs');
  const base = new Y.Doc();
  const text = base.getText('text');
  for (let i = 0; i < 3000; i++) text.insert(Math.floor(i / 2), 'ab'[i % 2]);
  const smallTextCallMs: Record<string, Stats> = {};
  for (const perCall of [1, 5, 25]) {
    const receiver = new Y.Doc();
    const sender = new Y.Doc();
    Y.applyUpdate(receiver, Y.encodeStateAsUpdate(base));
    Y.applyUpdate(sender, Y.encodeStateAsUpdate(base));
    const times: number[] = [];
    for (let run = 0; run < 21; run++) {
      const updates: Uint8Array[] = [];
      const take = (u: Uint8Array) => updates.push(u);
      sender.on('update', take);
      for (let k = 0; k < perCall; k++) sender.getText('text').insert(1500, 'y');
      sender.off('update', take);
      const started = performance.now();
      for (const u of updates) Y.applyUpdate(receiver, u);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    smallTextCallMs[perCall] = { runs: 21, p50: round(times[10]), min: round(times[0]), max: round(times[20]) };
    if (receiver.getText('text').toString() !== sender.getText('text').toString()) throw new Error('Yjs: the small text did not converge');
  }
  return { version: `yjs ${packageVersion('yjs')}`, smallTextCallMs };
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
          `small text, one call of 1 / 5 / 25 p50 ${[1, 5, 25].map((n) => m.smallTextCallMs[n].p50).join(' / ')} ms; ` +
          `one remote keystroke into a text of 1,000 / 10,000 / 100,000 characters p50 ${[1_000, 10_000, 100_000].map((n) => m.remoteKeystrokeByTextLengthMs[n].p50).join(' / ')} ms; ` +
          `into a 5-character second text of the paper p50 ${m.remoteKeystrokeSmallTextInPaperMs.p50} ms`,
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
    remoteKeystrokeText100k: ratio((m) => m.remoteKeystrokeByTextLengthMs[100_000].p50),
    remoteKeystrokeSmallTextInPaper: ratio((m) => m.remoteKeystrokeSmallTextInPaperMs.p50),
  };
  const yjs = JSON.parse(
    execFileSync(process.execPath, ['-r', join(ROOT, 'scripts/register.js'), __filename, '--child-yjs'], {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      timeout: 600_000,
    }),
  ) as { version: string; smallTextCallMs: Record<string, Stats> };
  log(`${yjs.version}: small text, one call of 1 / 5 / 25 p50 ${[1, 5, 25].map((n) => yjs.smallTextCallMs[n].p50).join(' / ')} ms`);
  // The fan-out goal's clients alone (issue 4: 1,000 clients in rooms of 50, one edit each a second):
  // each client applies its 49 peers' edits every second, at least at the marginal cost of one more
  // change in a call (however large the calls are made), so this is the least CPU they need.
  const marginalMs = (m: Pick<Measured, 'smallTextCallMs'>) => Math.max(0, (m.smallTextCallMs[25].p50 - m.smallTextCallMs[1].p50) / 24);
  const fanoutClientsFloor = rounds.map((pair) =>
    Object.fromEntries(
      [...pair, yjs].map((m) => [m.version, { marginalMsPerChange: round(marginalMs(m)), cpuSecondsPerSecondAt1000: round((1000 * 49 * marginalMs(m)) / 1000) }]),
    ),
  );
  for (const [i, floor] of fanoutClientsFloor.entries()) {
    log(`round ${i + 1}: fan-out at 1,000 clients, their applies alone need at least ${Object.entries(floor).map(([v, f]) => `${f.cpuSecondsPerSecondAt1000} CPU-s a second with ${v} (${f.marginalMsPerChange} ms per change)`).join(', ')}; this machine has ${cpus().length}`);
  }
  log(`Automerge 3 / Automerge 2 per round: remote keystroke ${ratios.remoteKeystroke.join(', ')}×; 50 remote ${ratios.remoteBatchOf50.join(', ')}×; local ${ratios.localKeystroke.join(', ')}×; load ${ratios.load.join(', ')}×; memory held ${ratios.heldRss.join(', ')}×; keystroke into 100,000 characters ${ratios.remoteKeystrokeText100k.join(', ')}×; into the paper's small second text ${ratios.remoteKeystrokeSmallTextInPaper.join(', ')}×`);
  const result = {
    at: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    document: { trace: 'automerge-paper.json.gz', bytes: paper.bytes.byteLength, changes: paper.changes, textLength: paper.text.length },
    rounds: rounds.map(([v3, v2]) => ({ automerge3: v3, automerge2: v2 })),
    ratioAutomerge3ToAutomerge2: ratios,
    yjs,
    fanoutClientsFloor,
  };
  mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(join(ROOT, 'bench/results/automerge-apply.json'), `${JSON.stringify(result, null, 2)}\n`);
  log('written to bench/results/automerge-apply.json');
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(measure(process.argv[3], process.argv[4])));
} else if (process.argv[2] === '--child-yjs') {
  process.stdout.write(JSON.stringify(measureYjs()));
} else {
  main();
}
