import { signToken } from '@tandem/platform';
import { eventually, parseExposition, requireEnv, uniqueId } from '@tandem/platform/testing';
import { CounterHandle, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { Server, Socket, connect, createServer } from 'node:net';
import { RunningProcess, freePort, startProcess, stopAll } from './support/processes';

/**
 * A TCP load balancer in front of the gateways, as an ingress is in front of gateway pods: each new
 * connection goes to the next backend that accepts it (the SDK uses websockets only, so one TCP
 * connection is one Socket.IO session and needs no stickiness).
 */
class Balancer {
  private next = 0;
  private readonly server: Server;
  readonly url: Promise<string>;

  constructor(readonly backends: string[]) {
    this.server = createServer((client) => this.route(client, 0));
    this.url = freePort().then(
      (port) =>
        new Promise((resolve) => {
          this.server.listen(port, '127.0.0.1', () => resolve(`http://127.0.0.1:${port}`));
        }),
    );
  }

  private route(client: Socket, attempt: number): void {
    client.on('error', () => undefined);
    if (attempt >= this.backends.length) return void client.destroy();
    const { hostname, port } = new URL(this.backends[this.next++ % this.backends.length]);
    const upstream = connect(Number(port), hostname);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    upstream.on('error', () => {
      if (connected) client.destroy();
      else this.route(client, attempt + 1); // that gateway is gone: try the next
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** A gauge or counter's value summed over its series on one process (0 if absent). */
async function metric(proc: RunningProcess, name: string, labels: Record<string, string> = {}): Promise<number> {
  const family = parseExposition(await (await fetch(`${proc.url}/metrics`)).text()).get(name);
  return (family?.samples ?? []).filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
}

/**
 * Graceful shutdown under load (SIGTERM, what Kubernetes sends after preStop): a gateway's clients
 * move to another gateway and nothing acknowledged is lost; a consumer (the docs service) finishes
 * and commits its batch, so nothing is skipped and nothing counts twice.
 */
describe('graceful shutdown under load', () => {
  const jwtSecret = randomBytes(32).toString('hex');
  let env: Record<string, string>;
  let docs: RunningProcess;
  let gateways: RunningProcess[];
  let balancer: Balancer;
  const clients: TandemClient[] = [];

  beforeAll(async () => {
    env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: randomBytes(24).toString('hex'),
    };
    docs = await startProcess('docs', 'services/docs/src/main.ts', env, 120_000);
    gateways = [];
    for (const n of [1, 2]) gateways.push(await startProcess(`gateway-${n}`, 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url }, 120_000));
    balancer = new Balancer(gateways.map((g) => g.url));
  });

  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });

  afterAll(async () => {
    await balancer?.close();
    await stopAll();
  });

  async function connectClients(tenant: string, docId: string, n: number): Promise<CounterHandle[]> {
    const url = await balancer.url;
    return Promise.all(
      Array.from({ length: n }, async (_, i) => {
        const token = await signToken(jwtSecret, { sub: `user-${i}`, tenant });
        const client = new TandemClient({ url, getToken: () => token });
        clients.push(client);
        return client.counter(docId);
      }),
    );
  }

  /** Each counter increments `times` times; `onAck(n)` after every acknowledged one (n = acks so far). */
  async function load(counters: CounterHandle[], times: number, onAck: (n: number) => void): Promise<number> {
    let acked = 0;
    await Promise.all(
      counters.map(async (counter) => {
        for (let i = 0; i < times; i++) {
          await counter.increment(1);
          onAck(++acked);
          await new Promise((r) => setTimeout(r, 5));
        }
      }),
    );
    return acked;
  }

  async function storedValue(tenant: string, docId: string): Promise<number> {
    const res = await fetch(`${docs.url}/internal/docs/${tenant}/${docId}`, { headers: { authorization: `Bearer ${env.INTERNAL_TOKEN}` } });
    return ((await res.json()) as { value: number }).value;
  }

  it("moves a SIGTERMed gateway's clients to the other gateway and loses no acknowledged increment", async () => {
    const tenant = uniqueId('tenant');
    const counters = await connectClients(tenant, 'gw-drain', 20);
    const [first, second] = gateways;
    expect(await metric(first, 'tandem_socket_connections')).toBeGreaterThan(0);
    let drained: Promise<void> | undefined;
    const acked = await load(counters, 30, (n) => {
      if (n === 200) drained = first.stop();
    });
    await drained;
    // Nest re-raises SIGTERM after its shutdown hooks: a graceful exit, not the 10 s SIGKILL.
    expect(first.child.signalCode === 'SIGTERM' || first.child.exitCode === 0).toBe(true);
    expect(acked).toBe(600);
    await eventually(() => expect(counters.map((c) => c.value)).toEqual(Array(20).fill(600)), 60_000, 100);
    expect(await storedValue(tenant, 'gw-drain')).toBe(600);
    expect(await metric(second, 'tandem_socket_connections')).toBe(20);
  });

  it('finishes and commits the batch of a SIGTERMed docs service: after a restart every increment counts exactly once', async () => {
    // A fresh gateway replaces the stopped one behind the balancer.
    const replacement = await startProcess('gateway-3', 'services/gateway/src/main.ts', { ...env, DOCS_URL: docs.url }, 120_000);
    balancer.backends.splice(0, balancer.backends.length, gateways[1].url, replacement.url);
    const tenant = uniqueId('tenant');
    const counters = await connectClients(tenant, 'consumer-drain', 20);
    let restart: Promise<void> | undefined;
    const acked = await load(counters, 40, (n) => {
      if (n !== 250) return;
      restart = (async () => {
        const old = docs;
        await old.stop();
        expect(old.child.signalCode === 'SIGTERM' || old.child.exitCode === 0).toBe(true);
        docs = await startProcess('docs (restarted)', 'services/docs/src/main.ts', env, 120_000);
      })();
    });
    await restart;
    expect(acked).toBe(800);
    await eventually(() => expect(counters.map((c) => c.value)).toEqual(Array(20).fill(800)), 90_000, 200);
    expect(await storedValue(tenant, 'consumer-drain')).toBe(800);
    // The restarted consumer resumed after the committed offset: no lag left behind.
    await eventually(async () => expect(await metric(docs, 'tandem_bus_consumer_lag', { group: 'docs' })).toBe(0), 30_000, 500);
  });
});
