import { signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { CounterHandle, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess, stopAll } from './support/processes';

/**
 * The walking skeleton end to end on real infrastructure: Socket.IO clients on two gateway processes
 * (rooms shared through Redis) → Kafka → the docs service (Automerge, FerretDB) → Kafka → every client.
 */
describe('a shared counter on real Kafka, FerretDB and Redis', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  const internalToken = randomBytes(24).toString('hex');
  let env: Record<string, string>;
  let docs: RunningProcess;
  let gateways: RunningProcess[];
  const clients: TandemClient[] = [];

  beforeAll(async () => {
    env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: internalToken,
    };
    docs = await startProcess('docs', 'services/docs/src/main.ts', env);
    const gatewayEnv = { ...env, DOCS_URL: docs.url };
    gateways = await Promise.all([startProcess('gateway-1', 'services/gateway/src/main.ts', gatewayEnv), startProcess('gateway-2', 'services/gateway/src/main.ts', gatewayEnv)]);
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await stopAll();
  });

  async function connectClients(tenant: string, docId: string, n: number): Promise<CounterHandle[]> {
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const token = await signToken(jwtSecret, { sub: `user-${i}`, tenant });
        const client = new TandemClient({ url: gateways[i % gateways.length].url, getToken: () => token });
        clients.push(client);
        return client.counter(docId);
      }),
    );
  }

  async function incrementAll(counters: CounterHandle[], times: number, onAck: () => void): Promise<void> {
    await Promise.all(
      counters.map(async (counter) => {
        for (let i = 0; i < times; i++) {
          await counter.increment(1);
          onAck();
          await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
  }

  async function storedValue(tenant: string, docId: string): Promise<number> {
    const res = await fetch(`${docs.url}/internal/docs/${tenant}/${docId}`, { headers: { authorization: `Bearer ${internalToken}` } });
    return ((await res.json()) as { value: number }).value;
  }

  it('ends with every one of 20 clients on two gateways seeing exactly 1000 after 50 increments each', async () => {
    const tenant = uniqueId('tenant');
    const counters = await connectClients(tenant, 'shared', 20);
    let acked = 0;
    await incrementAll(counters, 50, () => acked++);
    expect(acked).toBe(1000);
    await eventually(() => expect(counters.map((c) => c.value)).toEqual(Array(20).fill(1000)), 60_000, 100);
    expect(await storedValue(tenant, 'shared')).toBe(1000);
  });

  it('loses no acknowledged increment and counts none twice when the docs service is SIGKILLed and restarted mid-way', async () => {
    const tenant = uniqueId('tenant');
    const counters = await connectClients(tenant, 'crashy', 20);
    let acked = 0;
    let crash: Promise<void> | undefined;
    await incrementAll(counters, 50, () => {
      acked++;
      if (acked === 300) {
        crash = (async () => {
          await docs.kill();
          await new Promise((r) => setTimeout(r, 500));
          docs = await startProcess('docs (restarted)', 'services/docs/src/main.ts', env);
        })();
      }
    });
    expect(acked).toBe(1000);
    await crash;
    await eventually(() => expect(counters.map((c) => c.value)).toEqual(Array(20).fill(1000)), 90_000, 200);
    expect(await storedValue(tenant, 'crashy')).toBe(1000);
  });
});
