import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startProcess, stopAll } from './support/processes';

/** Every service process starts on its own, reports healthy and ready, and serves metrics. */
describe('service processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-services-'));
  afterAll(async () => {
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it.each(['chat', 'stats', 'presence', 'files', 'notifications', 'docs'])('%s starts and reports healthy and ready', async (name) => {
    const proc = await startProcess(name, `services/${name}/src/main.ts`, { DATA_DIR: join(dataDir, name) });
    expect(await (await fetch(`${proc.url}/healthz`)).json()).toEqual({ status: 'ok', service: name });
    expect((await fetch(`${proc.url}/readyz`)).status).toBe(200);
    expect(await (await fetch(`${proc.url}/metrics`)).text()).toContain('tandem_process_cpu_user_seconds_total');
    await proc.stop();
    // Nest re-raises SIGTERM after its shutdown hooks ran: a graceful exit, not a kill.
    expect(proc.child.exitCode === 0 || proc.child.signalCode === 'SIGTERM').toBe(true);
  });

  it('refuses to start with invalid configuration and names the variable', async () => {
    await expect(startProcess('docs', 'services/docs/src/main.ts', { KAFKA_BROKERS: 'not a broker', DATA_DIR: join(dataDir, 'bad') }, 20_000)).rejects.toThrow(/KAFKA_BROKERS: each broker must be host:port/);
  });

  it('refuses to start a gateway without a way to verify tokens', async () => {
    await expect(startProcess('gateway', 'services/gateway/src/main.ts', { DATA_DIR: join(dataDir, 'gw'), DOCS_URL: 'http://127.0.0.1:1' }, 20_000)).rejects.toThrow(/JWT_SECRET .* or JWKS_URL/);
  });
});
