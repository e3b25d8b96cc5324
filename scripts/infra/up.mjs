#!/usr/bin/env node
// Entry point for real integration-test servers on 127.0.0.1.
//
//   import { startInfra } from './scripts/infra/up.mjs';
//   const infra = await startInfra({ only: ['kafka', 'redis'] });
//   Object.assign(process.env, infra.env);   // KAFKA_BROKERS, REDIS_URL, ...
//   ...
//   await infra.stop();
//
// CLI:
//   node scripts/infra/up.mjs --build-only        warm the cache, start nothing
//   node scripts/infra/up.mjs --print-env         start, print `export K=V`, run until killed
//   node scripts/infra/up.mjs -- <cmd> [args...]  start, run <cmd> with the env, stop, exit with its code
//   --only kafka,mongo,redis,s3                   any mode: just these servers
//
// A server whose env var (KAFKA_BROKERS, MONGO_URL, REDIS_URL, S3_ENDPOINT) is
// already set is not started: the given value is used as is.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot, fmtSecs, installExitHandlers, isShuttingDown, log, registerTempDir, unregisterTempDir } from './cache.mjs';
import * as ferretdb from './ferretdb.mjs';
import * as kafka from './kafka.mjs';
import * as minio from './minio.mjs';
import * as redis from './redis.mjs';

/** The servers, in summary order. `envVar` is the one that means "already provided". */
export const SERVICES = {
  kafka: { envVar: 'KAFKA_BROKERS', extraEnv: [], mod: kafka, goBuild: false },
  mongo: { envVar: 'MONGO_URL', extraEnv: [], mod: ferretdb, goBuild: true },
  redis: { envVar: 'REDIS_URL', extraEnv: [], mod: redis, goBuild: false },
  s3: { envVar: 'S3_ENDPOINT', extraEnv: ['S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_REGION'], mod: minio, goBuild: true },
};

export const VERSIONS = {
  kafka: kafka.DESCRIPTION,
  mongo: ferretdb.DESCRIPTION,
  redis: `Redis from Debian package ${redis.DEBIAN_PACKAGE}`,
  s3: minio.DESCRIPTION,
};

const TMP_PREFIX = 'tandem-infra-';
const OWNER_FILE = '.owner-pid';

/**
 * Remove temp data dirs left by an earlier run whose process was killed
 * outright (SIGKILL: no handler ran; its servers died with it via pdeathsig).
 */
async function sweepStaleDataDirs() {
  let entries = [];
  try {
    entries = await fsp.readdir(os.tmpdir());
  } catch {
    return;
  }
  for (const e of entries) {
    if (!e.startsWith(TMP_PREFIX)) continue;
    const dir = path.join(os.tmpdir(), e);
    let pid;
    try {
      pid = Number(await fsp.readFile(path.join(dir, OWNER_FILE), 'utf8'));
    } catch {
      continue; // not ours, or still being created
    }
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (err) {
      alive = err.code === 'EPERM';
    }
    if (!alive) {
      log('infra', `removing data left by a killed run (pid ${pid}): ${dir}`);
      await fsp.rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }
}

function selected(only) {
  const names = only && only.length ? only : Object.keys(SERVICES);
  for (const n of names) {
    if (!SERVICES[n]) throw new Error(`[infra] unknown server '${n}' (known: ${Object.keys(SERVICES).join(', ')})`);
  }
  return names;
}

/**
 * Build / install what the selected servers need into the cache (idempotent).
 * Everything runs at once by default: on 2 cores, MinIO + FerretDB built together
 * (each with go -p=2) took 251 s cold against 269 s one after the other, peak
 * process RSS ~1.5 GB (the MinIO link). `parallelGoBuilds: false` serializes
 * the two Go builds (Kafka's mvn and Redis' apt still run alongside).
 */
export async function buildInfra({ only, skipFromEnv = true, parallelGoBuilds = true } = {}) {
  const names = selected(only).filter((n) => !(skipFromEnv && process.env[SERVICES[n].envVar]));
  const t0 = Date.now();
  let goChain = Promise.resolve();
  const jobs = names.map((n) => {
    const { mod, goBuild } = SERVICES[n];
    if (goBuild && !parallelGoBuilds) {
      const p = goChain.then(() => mod.ensure());
      goChain = p.catch(() => {});
      return p;
    }
    return mod.ensure();
  });
  const results = await Promise.allSettled(jobs);
  const failed = results.map((r, i) => [names[i], r]).filter(([, r]) => r.status === 'rejected');
  if (failed.length) {
    const msg = failed.map(([n, r]) => `  ${n}: ${String(r.reason?.message || r.reason).replace(`${n}: `, '')}`).join('\n');
    throw new Error(`[infra] could not build/install:\n${msg}`);
  }
  log('build', `all of ${names.join(', ') || '(nothing)'} ready in ${fmtSecs(Date.now() - t0)} (cache: ${cacheRoot()})`);
}

/**
 * Start the selected servers (all by default) on 127.0.0.1 with data in a
 * fresh temp dir. Returns { env, stop(), servers }.
 *   env      KAFKA_BROKERS, MONGO_URL, REDIS_URL, S3_ENDPOINT, S3_ACCESS_KEY,
 *            S3_SECRET_KEY, S3_REGION (only for the selected servers)
 *   servers  { name: { external, url, description, env, pid?, child?, logFile?, stop? } }
 *   stop()   SIGTERM every child (SIGKILL after 5 s) and delete the temp data
 *            (kept when `keepData` / TANDEM_INFRA_KEEP_DATA=1, or when `dataDir` is given).
 * Children are also killed, and the data deleted, if this process exits or
 * gets SIGINT/SIGTERM/SIGHUP.
 */
export async function startInfra({ only, dataDir, parallelGoBuilds = true, keepData = !!process.env.TANDEM_INFRA_KEEP_DATA } = {}) {
  const names = selected(only);
  const t0 = Date.now();
  installExitHandlers();

  const servers = {};
  const toStart = [];
  for (const n of names) {
    const { envVar, extraEnv } = SERVICES[n];
    if (process.env[envVar]) {
      const env = { [envVar]: process.env[envVar] };
      for (const k of extraEnv) if (process.env[k]) env[k] = process.env[k];
      if (n === 's3' && !env.S3_REGION) env.S3_REGION = 'us-east-1';
      servers[n] = { external: true, url: process.env[envVar], description: `from ${envVar}`, env };
      log(n, `using ${envVar} from environment (${process.env[envVar]})`);
    } else {
      toStart.push(n);
    }
  }

  // Build first (so a build failure starts nothing), then start all at once.
  await buildInfra({ only: toStart, skipFromEnv: false, parallelGoBuilds });

  if (!dataDir) await sweepStaleDataDirs();
  const root = dataDir || (await fsp.mkdtemp(path.join(os.tmpdir(), TMP_PREFIX)));
  const ownsRoot = !dataDir && !keepData;
  if (ownsRoot) {
    registerTempDir(root);
    await fsp.writeFile(path.join(root, OWNER_FILE), String(process.pid));
  }

  const started = [];
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(started.map((s) => s.stop()));
    if (ownsRoot) {
      await fsp.rm(root, { recursive: true, force: true, maxRetries: 3 });
      unregisterTempDir(root);
    } else if (started.length) {
      log('infra', `servers stopped; data and logs kept in ${root}`);
    }
  };

  const results = await Promise.allSettled(
    toStart.map(async (n) => {
      const t = Date.now();
      const sub = path.join(root, n);
      await fsp.mkdir(sub, { recursive: true });
      const s = await SERVICES[n].mod.start({ dataDir: sub });
      started.push(s);
      servers[n] = {
        external: false,
        url: s.url,
        description: s.description,
        env: s.env,
        pid: s.pid,
        child: s.child,
        logFile: s.logFile,
        stop: s.stop,
      };
      log(n, `started ${s.description} at ${s.url.replace(/^[a-z]+:\/\//, '').replace(/\/$/, '')} in ${fmtSecs(Date.now() - t)}`);
    }),
  );
  const failed = results.map((r, i) => [toStart[i], r]).filter(([, r]) => r.status === 'rejected');
  if (failed.length) {
    await stop();
    const msg = failed.map(([n, r]) => `  ${n}: ${String(r.reason?.message || r.reason).replace(`${n}: `, '')}`).join('\n');
    throw new Error(`[infra] could not start:\n${msg}`);
  }

  const env = {}; // stable order: kafka, mongo, redis, s3
  for (const n of names) Object.assign(env, servers[n].env);
  log('infra', `${names.join(', ')} ready in ${fmtSecs(Date.now() - t0)}${toStart.length ? ` (data in ${root})` : ''}`);
  return { env, servers, dataDir: root, stop };
}

function shellQuote(v) {
  return /^[\w@%+=:,./-]+$/.test(v) ? v : `'${String(v).replace(/'/g, `'\\''`)}'`;
}

function usage() {
  return `usage: node scripts/infra/up.mjs [--only kafka,mongo,redis,s3] [--build-only | --print-env | -- <cmd> [args...]]

  (no mode)       start the servers, print the summary and env, run until Ctrl-C
  --build-only    build/install everything into ${cacheRoot()} and exit
  --print-env     start the servers, print 'export KEY=VALUE' lines on stdout, run until killed
  -- <cmd>        start the servers, run <cmd> with their env, stop them, exit with <cmd>'s code
  --serial-go-builds   build MinIO, then FerretDB (default: both at once; see README)

Env: TANDEM_INFRA_CACHE (cache dir); KAFKA_BROKERS, MONGO_URL, REDIS_URL, S3_ENDPOINT
(+ S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION) to use existing servers instead.`;
}

async function main(argv) {
  let mode = 'serve';
  let only;
  let parallelGoBuilds = true;
  let cmd = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      cmd = argv.slice(i + 1);
      mode = 'run';
      break;
    } else if (a === '--build-only') mode = 'build';
    else if (a === '--print-env') mode = 'print-env';
    else if (a === '--serial-go-builds') parallelGoBuilds = false;
    else if (a === '--only') only = (argv[++i] || '').split(',').filter(Boolean);
    else if (a.startsWith('--only=')) only = a.slice(7).split(',').filter(Boolean);
    else if (a === '-h' || a === '--help') {
      console.log(usage());
      return 0;
    } else {
      console.error(`unknown argument: ${a}\n${usage()}`);
      return 2;
    }
  }
  if (mode === 'run' && !cmd.length) {
    console.error(`nothing to run after --\n${usage()}`);
    return 2;
  }

  if (mode === 'build') {
    await buildInfra({ only, skipFromEnv: false, parallelGoBuilds });
    return 0;
  }

  const infra = await startInfra({ only, parallelGoBuilds });
  const exports = Object.entries(infra.env).map(([k, v]) => `export ${k}=${shellQuote(v)}`);

  if (mode === 'run') {
    const child = spawn(cmd[0], cmd.slice(1), { stdio: 'inherit', env: { ...process.env, ...infra.env } });
    const code = await new Promise((resolve) => {
      child.on('error', (e) => {
        console.error(`[infra] could not run ${cmd[0]}: ${e.message}`);
        resolve(127);
      });
      child.on('exit', (c, sig) => resolve(c ?? 128 + (os.constants.signals[sig] || 0)));
    });
    await infra.stop();
    return code;
  }

  if (mode === 'print-env') {
    process.stdout.write(exports.join('\n') + '\n');
  } else {
    for (const [n, s] of Object.entries(infra.servers)) {
      console.error(`[infra]   ${n.padEnd(5)} ${s.external ? 'external' : s.description} -> ${s.url}`);
    }
    console.error('[infra] environment (Ctrl-C to stop):');
    console.log(exports.join('\n'));
  }
  // Run until killed; the signal handlers in cache.mjs stop the servers and
  // delete the data. Also stop if a server dies on its own.
  await new Promise((resolve) => {
    for (const s of Object.values(infra.servers)) {
      s.child?.once('exit', (code, sig) => {
        if (isShuttingDown()) return;
        console.error(`[infra] ${s.description} (pid ${s.pid}) exited on its own (${sig || `code ${code}`}); see ${s.logFile}; stopping`);
        resolve();
      });
    }
  });
  await infra.stop();
  return 1;
}

const isMain = process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(fileURLToPath(import.meta.url));
if (isMain) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      console.error(e?.message || e);
      process.exit(1);
    },
  );
}
