import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningProcess, startProcess, stopAll } from './support/processes';

const root = join(__dirname, '..');

/**
 * The sampled message log records whole sessions (here all of them), and scripts/replay.ts feeds a
 * recorded session back into a running gateway: into a scratch workspace it reproduces the effect;
 * with the recorded command ids into the original workspace it changes nothing (idempotence).
 */
describe('message log and replay', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  const dir = mkdtempSync(join(tmpdir(), 'tandem-replay-'));
  let docs: RunningProcess;
  let gateway: RunningProcess;

  beforeAll(async () => {
    const env = { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), REDIS_URL: requireEnv('REDIS_URL'), JWT_SECRET: jwtSecret, INTERNAL_TOKEN: internalToken };
    docs = await startProcess('docs', 'services/docs/src/main.ts', env, 120_000);
    gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url, LOG_LEVEL: 'info', MESSAGE_LOG_SAMPLE_RATE: '1' }, 120_000);
  });

  afterAll(async () => {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  const stored = async (tenant: string, docId: string) =>
    ((await (await fetch(`${docs.url}/internal/docs/${tenant}/${docId}`, { headers: { authorization: `Bearer ${internalToken}` } })).json()) as { value: number }).value;

  function replay(...args: string[]) {
    const r = spawnSync(process.execPath, ['-r', join(root, 'scripts/register.js'), join(root, 'scripts/replay.ts'), '--url', gateway.url, '--log', join(dir, 'gateway.log'), '--jwt-secret', jwtSecret, '--speed', '0', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`replay failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
    return r.stdout;
  }

  it('records a session and replays it into a scratch workspace with the same effect, and idempotently into the original', async () => {
    const tenant = uniqueId('tenant');
    const token = await signToken(jwtSecret, { sub: 'ann', tenant });
    const client = new TandemClient({ url: gateway.url, getToken: () => token });
    const counter = await client.counter('replayed');
    for (let i = 0; i < 3; i++) await counter.increment(2);
    await eventually(() => expect(counter.value).toBe(6), 30_000);
    client.close();
    await new Promise((r) => setTimeout(r, 300));
    writeFileSync(join(dir, 'gateway.log'), gateway.output());

    const sessions = replay('--list');
    const recorded = Number(new RegExp(`${tenant}/ann\\s+(\\d+) messages`).exec(sessions)?.[1]);
    expect(recorded).toBeGreaterThanOrEqual(4); // the join, 3 increments, and what the SDK sends by itself (presence)

    const scratch = uniqueId('scratch');
    const out = replay('--tenant', scratch);
    expect(out).toContain(`replayed ${recorded} messages`);
    expect(out.match(/command\s+recorded ok\s+replayed ok/g)).toHaveLength(3);
    expect(out).toContain('0 outcome(s) differ');
    await eventually(async () => expect(await stored(scratch, 'replayed')).toBe(6), 30_000, 200);

    replay('--keep-ids');
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await stored(tenant, 'replayed')).toBe(6);
  });
});
