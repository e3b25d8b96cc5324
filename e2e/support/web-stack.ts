import { requireEnv, uniqueId } from '@tandem/platform/testing';
import { randomBytes } from 'node:crypto';
import { RunningProcess, startProcess } from './processes';

/** A service the web app's real-infra stack can run beside its gateway. */
export type WebStackService = 'docs' | 'presence' | 'files' | 'stats' | 'notifications' | 'chat';

/**
 * Starts `services` and a gateway wired to them, as separate processes on the real Kafka,
 * MongoDB-compatible store and Redis of the environment (and its MinIO when `objectStore`), their
 * tokens signed with `jwtSecret`; returns the gateway, which also serves the web app. Services start
 * one at a time: several compiling Node processes at once starve two cores. The chat service gets a
 * database of its own (FerretDB scans a collection for every range query, and history pages are
 * range queries). Stop them with `stopAll()` from ./processes.
 */
export async function startWebStack(services: readonly WebStackService[], { jwtSecret, objectStore = false }: { jwtSecret: string; objectStore?: boolean }): Promise<RunningProcess> {
  const env: Record<string, string> = {
    KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
    MONGO_URL: requireEnv('MONGO_URL'),
    REDIS_URL: requireEnv('REDIS_URL'),
    JWT_SECRET: jwtSecret,
    INTERNAL_TOKEN: randomBytes(24).toString('hex'),
  };
  if (objectStore) {
    Object.assign(env, {
      S3_ENDPOINT: requireEnv('S3_ENDPOINT'),
      S3_ACCESS_KEY: requireEnv('S3_ACCESS_KEY'),
      S3_SECRET_KEY: requireEnv('S3_SECRET_KEY'),
      S3_BUCKET: uniqueId('web').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40),
    });
  }
  const urls: Record<string, string> = {};
  for (const service of services) {
    const own: Record<string, string> = service === 'chat' ? { MONGO_URL: databaseOf(env.MONGO_URL!, 'webchat') } : {};
    urls[`${service.toUpperCase()}_URL`] = (await startProcess(service, `services/${service}/src/main.ts`, { ...env, ...own }, 120_000)).url;
  }
  return startProcess('gateway', 'services/gateway/src/main.ts', { ...env, ...urls }, 120_000);
}

function databaseOf(mongoUrl: string, name: string): string {
  const url = new URL(mongoUrl);
  url.pathname = `/${uniqueId(name)}`;
  return url.toString();
}
