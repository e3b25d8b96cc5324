import type { DocKindName } from '@tandem/contracts';
import { signToken } from '@tandem/platform';
import { requireEnv } from '@tandem/platform/testing';
import { DocHandle, DocStorage, TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess, stopAll } from './processes';

/**
 * The documents path on real infrastructure for end-to-end tests: one docs service process and
 * two gateway processes (rooms shared through Redis) on real Kafka, FerretDB, Redis and MinIO,
 * plus SDK clients that the platform closes after each test.
 */
export class DocsPlatform {
  readonly jwtSecret = randomBytes(32).toString('hex');
  readonly internalToken = randomBytes(24).toString('hex');
  env: Record<string, string> = {};
  docs!: RunningProcess;
  gateways: RunningProcess[] = [];
  private readonly clients: TandemClient[] = [];

  async start(extraDocsEnv: Record<string, string> = {}): Promise<void> {
    this.env = {
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      S3_ENDPOINT: requireEnv('S3_ENDPOINT'),
      S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'),
      S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'),
      JWT_SECRET: this.jwtSecret,
      INTERNAL_TOKEN: this.internalToken,
    };
    this.docs = await startProcess('docs', 'services/docs/src/main.ts', { ...this.env, ...extraDocsEnv });
    const gatewayEnv = { ...this.env, DOCS_URL: this.docs.url, SOCKET_RATE_PER_SECOND: '1000', SOCKET_RATE_BURST: '2000', USER_RATE_PER_SECOND: '2000', USER_RATE_BURST: '4000' };
    this.gateways = await Promise.all([startProcess('gateway-1', 'services/gateway/src/main.ts', gatewayEnv), startProcess('gateway-2', 'services/gateway/src/main.ts', gatewayEnv)]);
  }


  async client(tenant: string, userId: string, options: { gateway?: number; storage?: DocStorage; url?: string; wait?: boolean } = {}): Promise<TandemClient> {
    const token = await signToken(this.jwtSecret, { sub: userId, tenant });
    const client = new TandemClient({ url: options.url ?? this.gateways[(options.gateway ?? 0) % this.gateways.length].url, getToken: () => token, documents: options.storage });
    this.clients.push(client);
    if (options.wait !== false) await client.ready();
    return client;
  }

  /** A client on its own, opened on `docId`: what a freshly loaded device sees. */
  async freshCopy<K extends DocKindName>(tenant: string, docId: string, kind: K, userId = 'fresh-reader'): Promise<DocHandle<K>> {
    const client = await this.client(tenant, userId, { gateway: 1 });
    return client.documents.open(docId, kind);
  }

  /** SIGKILLs the docs service (no shutdown hooks, no commits) and starts it again on the same port. */
  async crashAndRestartDocs(downMs = 500): Promise<void> {
    const port = Number(new URL(this.docs.url).port);
    await this.docs.kill();
    await new Promise((r) => setTimeout(r, downMs));
    this.docs = await startProcess('docs (restarted)', 'services/docs/src/main.ts', this.env, 60_000, port);
  }

  closeClients(): void {
    for (const c of this.clients.splice(0)) c.close();
  }

  async stop(): Promise<void> {
    this.closeClients();
    await stopAll();
  }
}
