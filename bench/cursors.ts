/**
 * Cursor load vs. edits in one document (issue 5):
 *   50 users move their cursors continuously in one document while one user edits it. Measured:
 *   - edit delivery latency (increment sent → another user sees the new value), p50/p99, without and
 *     with the cursor load, in the same run, and their ratio;
 *   - cursor updates each observer receives per second per remote user (must stay ≤ ~20);
 *   - whether every observer ends on every user's latest cursor position.
 * Runs the standalone process (embedded adapters) on 127.0.0.1 with a temp data dir; bounded in time.
 *
 *   node -r ./scripts/register.js bench/cursors.ts            (USERS=50 PHASE_SECONDS=15 to change)
 */
import { signToken } from '@tandem/platform';
import { TandemClient } from '@tandem/sdk';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { startProcess, stopAll } from '../e2e/support/processes';

const USERS = Number(process.env.USERS ?? 50);
const PHASE_SECONDS = Number(process.env.PHASE_SECONDS ?? 15);
const EDIT_EVERY_MS = 100;
const MOVE_EVERY_MS = 10;
const DOC = 'bench-cursors';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const percentile = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const log = (msg: string) => process.stderr.write(`[bench:cursors] ${msg}\n`);

async function main() {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-cursors-'));
  const secret = 'bench-secret-bench-secret-bench-secret-00';
  log(`starting the standalone process (${USERS} users, ${PHASE_SECONDS} s per phase)…`);
  const server = await startProcess('standalone', 'apps/standalone/src/main.ts', {
    DATA_DIR: dataDir,
    JWT_SECRET: secret,
    MAX_CONNECTIONS_PER_USER: '5',
    LOG_LEVEL: 'error',
  });
  const tenant = 'bench';
  const clients: TandemClient[] = [];
  try {
    const connect = async (sub: string) => {
      const token = await signToken(secret, { sub, tenant });
      const c = new TandemClient({ url: server.url, getToken: () => token });
      clients.push(c);
      await c.ready();
      return c;
    };
    const editor = await connect('editor');
    const watcher = await connect('watcher');
    const editorDoc = await editor.counter(DOC);
    const watcherDoc = await watcher.counter(DOC);
    const movers = await Promise.all(Array.from({ length: USERS }, (_, i) => connect(`user-${i}`)));
    await Promise.all(movers.map((m) => m.counter(DOC)));
    log(`${USERS + 2} clients connected and in the room`);

    // Per observer, per remote user: deliveries and the last position seen.
    const received = movers.map(() => new Map<string, { count: number; lastX: number }>());
    movers.forEach((m, i) =>
      m.presence.onCursor(DOC, (c) => {
        const entry = received[i].get(c.userId) ?? { count: 0, lastX: -1 };
        entry.count++;
        entry.lastX = c.cursor.x ?? -1;
        received[i].set(c.userId, entry);
      }),
    );

    async function editPhase(label: string): Promise<number[]> {
      const latencies: number[] = [];
      const end = Date.now() + PHASE_SECONDS * 1000;
      let expected = watcherDoc.value;
      while (Date.now() < end) {
        const sent = performance.now();
        expected++;
        void editorDoc.increment();
        const target = expected;
        await new Promise<void>((resolve) => {
          if (watcherDoc.value >= target) return resolve();
          const stop = watcherDoc.onChange((d) => {
            if (d.value >= target) {
              stop();
              resolve();
            }
          });
        });
        latencies.push(performance.now() - sent);
        await sleep(EDIT_EVERY_MS);
      }
      log(`${label}: ${latencies.length} edits, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`);
      return latencies;
    }

    log('phase 1: edits alone');
    const quiet = await editPhase('without cursors');

    log(`phase 2: edits while ${USERS} users move their cursors every ${MOVE_EVERY_MS} ms`);
    let moving = true;
    let lastX = 0;
    const moveStart = Date.now();
    const moveLoop = (async () => {
      while (moving) {
        lastX++;
        for (const m of movers) m.presence.moveCursor(DOC, { x: lastX, y: 0 });
        await sleep(MOVE_EVERY_MS);
      }
    })();
    const loaded = await editPhase('with cursors');
    moving = false;
    await moveLoop;
    const moveSeconds = (Date.now() - moveStart) / 1000;
    await sleep(1000); // the last throttled positions land

    const rates = received.flatMap((byUser) => [...byUser.values()].map((e) => e.count / moveSeconds));
    const stale = received.reduce((n, byUser, i) => n + movers.filter((_, j) => j !== i && byUser.get(`user-${j}`)?.lastX !== lastX).length, 0);
    const result = {
      benchmark: 'cursors',
      command: 'node -r ./scripts/register.js bench/cursors.ts',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
      config: { users: USERS, phaseSeconds: PHASE_SECONDS, editEveryMs: EDIT_EVERY_MS, moveEveryMs: MOVE_EVERY_MS, target: 'standalone (embedded adapters)' },
      edits: {
        withoutCursors: { count: quiet.length, p50: percentile(quiet, 50), p99: percentile(quiet, 99), max: Math.max(...quiet) },
        withCursors: { count: loaded.length, p50: percentile(loaded, 50), p99: percentile(loaded, 99), max: Math.max(...loaded) },
        p99Ratio: percentile(loaded, 99) / percentile(quiet, 99),
      },
      cursors: {
        movesSentPerUserPerSecond: 1000 / MOVE_EVERY_MS,
        receivedPerObserverPerRemoteUserPerSecond: { mean: rates.reduce((a, b) => a + b, 0) / rates.length, max: Math.max(...rates), min: Math.min(...rates) },
        observerPairsNotOnLatestPosition: stale,
        observerPairs: USERS * (USERS - 1),
      },
    };
    writeFileSync(join(__dirname, 'results', 'cursors.json'), JSON.stringify(result, null, 2) + '\n');
    log(`edit p99 ratio (with / without cursors): ${result.edits.p99Ratio.toFixed(2)}`);
    log(`cursor updates per observer per remote user: mean ${result.cursors.receivedPerObserverPerRemoteUserPerSecond.mean.toFixed(1)}/s, max ${result.cursors.receivedPerObserverPerRemoteUserPerSecond.max.toFixed(1)}/s`);
    log(`observer pairs not on the latest position: ${stale} of ${result.cursors.observerPairs}`);
    log('written to bench/results/cursors.json');
  } finally {
    clients.forEach((c) => c.close());
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
