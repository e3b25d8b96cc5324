import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { PlatformModule, loadConfig } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StatsModule } from '../../src/stats.module';

const root = join(__dirname, '..', '..', '..', '..');
export const INTERNAL_TOKEN = 'internal-token-for-tests';

/** The environment of the real servers (Kafka, FerretDB, Redis) the tests run against. */
export function infraEnv() {
  return { KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), REDIS_URL: requireEnv('REDIS_URL') };
}

/** The stats service on real Kafka, FerretDB and Redis, in a database and consumer group of its own. */
export async function startStatsService(database = uniqueId('tandem_stats_it_')) {
  const config = loadConfig({ ...infraEnv(), DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-stats-')), LOG_LEVEL: (process.env.STATS_IT_LOG_LEVEL as 'silent') ?? 'silent', INTERNAL_TOKEN });
  @Module({ imports: [PlatformModule.forRoot({ service: 'stats', config }), StatsModule.forRoot(config, { database, groupId: `${database}-group` })] })
  class App {}
  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  /** GET or PUT on `/internal/stats/<tenant>/<path>`; the status and JSON body. */
  const call = async (tenant: string, path: string, body?: unknown) => {
    const res = await fetch(`${url}/internal/stats/${tenant}/${path}`, {
      method: body === undefined ? 'GET' : 'PUT',
      headers: { authorization: `Bearer ${INTERNAL_TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const get = async (tenant: string, path: string) => {
    const answer = await call(tenant, path);
    if (answer.status !== 200) throw new Error(`GET ${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  let closed: Promise<void> | undefined;
  return { app, url, database, call, get, close: () => (closed ??= app.close()) };
}

/** Runs the rebuild CLI (`npm run stats:rebuild`) as its own process; resolves with its exit code and stderr. */
export function runRebuildCli(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', join(root, 'scripts/register.js'), join(root, 'services/stats/src/rebuild/rebuild.main.ts'), ...args], {
      cwd: root,
      env: { ...process.env, ...infraEnv(), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}
