import { signToken } from '@tandem/platform';
import { CatalogueEntry, ExposedFamily, catalogueFor, checkFamily, eventually, isNonZero, parseExposition, readMetricsCatalogue, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunningProcess, startProcess, stopAll } from './support/processes';

const SERVICES = ['docs', 'presence', 'chat', 'files', 'stats', 'notifications'] as const;

/**
 * Every process of the platform, after a short workload on real Kafka, FerretDB, Redis and MinIO,
 * exposes exactly what docs/metrics.md catalogues for it: each listed family with its type, its
 * labels and plausible values, and non-zero where the catalogue's `e2e` column says this workload
 * exercises it (summed over the processes of a service: two gateways here).
 */
describe('/metrics of every process against docs/metrics.md', () => {
  const catalogue = readMetricsCatalogue();
  const jwtSecret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-metrics-'));
  const procs: Array<{ service: string; proc: RunningProcess }> = [];
  const clients: TandemClient[] = [];
  let gateways: RunningProcess[] = [];

  beforeAll(async () => {
    const env: Record<string, string> = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      S3_ENDPOINT: requireEnv('S3_ENDPOINT'),
      S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'),
      S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'),
      S3_BUCKET: uniqueId('metrics').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: randomBytes(24).toString('hex'),
      DATA_DIR: dataDir,
      TYPING_TTL_MS: '1000',
      PRESENCE_SWEEP_MS: '200',
      MAX_ROOMS_PER_SOCKET: '1',
    };
    // One at a time: seven compiling Node processes at once starve two cores.
    const started: Array<{ service: string; proc: RunningProcess }> = [];
    for (const service of SERVICES) started.push({ service, proc: await startProcess(service, `services/${service}/src/main.ts`, env, 120_000) });
    procs.push(...started);
    const url = (s: string) => started.find((p) => p.service === s)!.proc.url;
    const gatewayEnv = { ...env, DOCS_URL: url('docs'), PRESENCE_URL: url('presence'), CHAT_URL: url('chat') };
    for (const n of [1, 2]) gateways.push(await startProcess(`gateway-${n}`, 'services/gateway/src/main.ts', gatewayEnv, 120_000));
    procs.push(...gateways.map((proc) => ({ service: 'gateway', proc })));
  });

  afterAll(async () => {
    for (const c of clients) c.close();
    await stopAll();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function connect(sub: string, tenant: string, gateway: RunningProcess): Promise<TandemClient> {
    const token = await signToken(jwtSecret, { sub, tenant });
    const client = new TandemClient({ url: gateway.url, getToken: () => token });
    clients.push(client);
    await client.ready();
    return client;
  }

  async function scrape(proc: RunningProcess): Promise<Map<string, ExposedFamily>> {
    const res = await fetch(`${proc.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return parseExposition(await res.text());
  }

  it('finds every catalogued metric on every process, plausible, and non-zero where the workload exercised it', async () => {
    // The workload: two users on two gateways edit one document, one of them types (and lets it
    // expire), hits the rooms-per-socket limit, and locks the document, which kicks the other.
    const tenant = uniqueId('tenant');
    const ann = await connect('ann', tenant, gateways[0]);
    const bob = await connect('bob', tenant, gateways[1]);
    const annDoc = await ann.counter('metrics');
    const bobDoc = await bob.counter('metrics');
    // Ann writes first, alone, so that she (not Bob, racing on the other gateway) owns the document.
    await annDoc.increment();
    for (let i = 0; i < 5; i++) await Promise.all([annDoc.increment(), bobDoc.increment()]);
    await eventually(() => expect([annDoc.value, bobDoc.value]).toEqual([11, 11]), 30_000);
    await ann.presence.typing('metrics', true, 'typing');
    await expect(ann.counter('second-room')).rejects.toThrow();
    const kicked = new Promise<void>((resolve) => bobDoc.onChange((c) => c.kicked && resolve()));
    // The first writer owns the document once the docs service applied its ACL (asynchronous).
    const annToken = await signToken(jwtSecret, { sub: 'ann', tenant });
    await eventually(async () => {
      const res = await fetch(`${gateways[0].url}/api/v1/resources/doc/metrics/workspace-access`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${annToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ access: 'none' }),
      });
      expect(res.status).toBe(202);
    }, 15_000, 250);
    await kicked;

    // Scrape until the slowest effects (typing expiry, presence gauges) show, then check all.
    const problems = await eventually(async () => {
      const exposed = await Promise.all(procs.map(async ({ service, proc }) => ({ service, name: proc.name, families: await scrape(proc) })));
      const found: string[] = [];
      const services = [...new Set(procs.map((p) => p.service))];
      for (const service of services) {
        const mine = exposed.filter((e) => e.service === service);
        for (const entry of catalogueFor(catalogue, service)) {
          for (const e of mine) found.push(...checkFamily(entry, e.families.get(entry.name), false).map((p) => `${e.name}: ${p}`));
          if (mustBeNonZero(entry, service) && !isNonZero(entry, mine.map((e) => e.families.get(entry.name)))) found.push(`${service}: ${entry.name} is zero (or has no series) although the workload exercises it`);
        }
      }
      if (found.length > 0) throw new Error(found.join('\n'));
      return { checked: exposed.reduce((n, e) => n + catalogueFor(catalogue, e.service).length, 0) };
    }, 30_000, 500).catch((error: Error) => error.message.split('\n'));
    expect(problems).toEqual(expect.objectContaining({ checked: expect.any(Number) }));
    console.log(`checked ${(problems as { checked: number }).checked} catalogued families on ${procs.length} processes`);
  });
});

function mustBeNonZero(entry: CatalogueEntry, service: string): boolean {
  return entry.nonZeroIn.includes('all') || entry.nonZeroIn.includes(service);
}
