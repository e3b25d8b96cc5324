import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tandem/platform';
import { RunningProcess, startProcess, stopAll } from '../../e2e/support/processes';
import { isLoopback } from './room';

/** What a benchmark runs against: the process(es) it started, all on 127.0.0.1. */
export interface BenchTarget {
  kind: 'standalone' | 'infra';
  /** How it was built, for the results. */
  description: string;
  /** Where clients connect, and whose `/metrics` counts the gateway's limits. */
  gatewayUrl: string;
  /** Signs the clients' tokens. */
  jwtSecret: string;
  processes: RunningProcess[];
  /** Real servers only: stops the docs service (SIGTERM) and starts it again on the same port, memory empty. */
  restartDocs?(): Promise<void>;
  /** Real servers only: starts one more gateway on the same servers (needs REDIS_URL to relay across gateways); its URL. */
  addGateway?(): Promise<string>;
  stop(): Promise<void>;
}

/** The adapters' variables: blanked for the standalone process, so a shell that has them set cannot switch it to real servers. */
const ADAPTERS = ['KAFKA_BROKERS', 'MONGO_URL', 'REDIS_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'DOCS_URL', 'PRESENCE_URL'];

function requireLoopback(name: string, value: string): void {
  const hosts = name === 'KAFKA_BROKERS' ? value.split(',').map((b) => b.trim().replace(/:\d+$/, '')) : [new URL(value).hostname];
  const away = hosts.filter((h) => !isLoopback(h));
  if (away.length > 0) throw new Error(`${name} points at ${away.join(', ')}: the benchmarks only talk to 127.0.0.1; start local servers with node scripts/infra/up.mjs`);
}

/**
 * Starts the standalone process (embedded adapters, a temporary DATA_DIR) or, when `KAFKA_BROKERS` and
 * `MONGO_URL` are set (e.g. by `scripts/infra/up.mjs`), a docs service and a gateway on those servers
 * (with the Redis adapter when `REDIS_URL` is set too). `env` is added to every process (limits…).
 */
export async function startTarget(env: Record<string, string>, log: (msg: string) => void): Promise<BenchTarget> {
  const jwtSecret = randomBytes(32).toString('hex');
  const { KAFKA_BROKERS, MONGO_URL, REDIS_URL } = process.env;
  if (KAFKA_BROKERS && MONGO_URL) {
    requireLoopback('KAFKA_BROKERS', KAFKA_BROKERS);
    requireLoopback('MONGO_URL', MONGO_URL);
    if (REDIS_URL) requireLoopback('REDIS_URL', REDIS_URL);
    // The production consumer session timeout, the config's default (the e2e processes use 10 s to test
    // failover quickly): a gateway starved of CPU by the load generators misses heartbeats for 10 s and is evicted again and again.
    const sessionTimeout = process.env.KAFKA_SESSION_TIMEOUT_MS ?? String(loadConfig({}).KAFKA_SESSION_TIMEOUT_MS);
    const common = { KAFKA_BROKERS, MONGO_URL, REDIS_URL: REDIS_URL ?? '', JWT_SECRET: jwtSecret, INTERNAL_TOKEN: randomBytes(24).toString('hex'), LOG_LEVEL: 'error', S3_ENDPOINT: '', KAFKA_SESSION_TIMEOUT_MS: sessionTimeout, ...env };
    log(`starting a docs service and a gateway on Kafka ${KAFKA_BROKERS}, ${MONGO_URL}${REDIS_URL ? `, ${REDIS_URL}` : ''}…`);
    let docs = await startProcess('docs', 'services/docs/src/main.ts', common);
    const gateway = await startProcess('gateway', 'services/gateway/src/main.ts', { ...common, DOCS_URL: docs.url });
    const processes = [docs, gateway];
    return {
      kind: 'infra',
      description: `docs service + one gateway process on real Kafka, FerretDB${REDIS_URL ? ' and Redis' : ''}`,
      gatewayUrl: gateway.url,
      jwtSecret,
      processes,
      addGateway: async () => {
        const another = await startProcess(`gateway-${processes.length}`, 'services/gateway/src/main.ts', { ...common, DOCS_URL: docs.url });
        processes.push(another);
        return another.url;
      },
      restartDocs: async () => {
        await docs.stop();
        docs = await startProcess('docs', 'services/docs/src/main.ts', common, 60_000, Number(new URL(docs.url).port));
        processes[0] = docs;
      },
      stop: stopAll,
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-bench-'));
  log('starting the standalone process (embedded adapters)…');
  const blank = Object.fromEntries(ADAPTERS.map((name) => [name, '']));
  const server = await startProcess('standalone', 'apps/standalone/src/main.ts', { ...blank, DATA_DIR: dataDir, JWT_SECRET: jwtSecret, LOG_LEVEL: 'error', ...env });
  return {
    kind: 'standalone',
    description: 'standalone process (embedded event bus and stores, temporary DATA_DIR)',
    gatewayUrl: server.url,
    jwtSecret,
    processes: [server],
    stop: async () => {
      await stopAll();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
