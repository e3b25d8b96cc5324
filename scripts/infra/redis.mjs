// Redis from Debian's `redis-server` package (7.0 on Debian 12), run as our own
// child process (not daemonized) on a free port with persistence off.
//
// ensure(): if `redis-server` is not on PATH, `apt-get install -y redis-server`
// (then `apt-get update` and one retry only if that fails); sudo -n when not root.
// A temporary /usr/sbin/policy-rc.d keeps the package's init script from
// starting a system-wide Redis on port 6379 during the install.

import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import {
  freePort,
  InfraError,
  log,
  run,
  runSync,
  spawnServer,
  tailFile,
  waitUntil,
  which,
} from './cache.mjs';
import net from 'node:net';

export const NAME = 'redis';
export const DEBIAN_PACKAGE = 'redis-server';

const POLICY_RC_D = '/usr/sbin/policy-rc.d';

function isRoot() {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Version string of the redis-server on PATH, e.g. "7.0.15", or null. */
export function installedVersion() {
  if (!which('redis-server')) return null;
  const r = runSync('redis-server', ['--version']);
  const m = r.stdout.match(/v=(\S+)/);
  return m ? m[1] : 'unknown';
}

async function aptGet(args, step) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (isRoot()) return run('apt-get', args, { label: 'redis', step, env });
  if (!which('sudo')) {
    throw new InfraError(
      `redis: 'redis-server' is not installed, and installing it needs root: run 'sudo apt-get install -y redis-server' (no sudo found here)`,
    );
  }
  // -n: never prompt for a password (fail instead of hanging a test run).
  return run('sudo', ['-n', 'env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args], { label: 'redis', step, env });
}

export async function ensure() {
  if (which('redis-server')) return installedVersion();
  if (!which('apt-get')) {
    throw new InfraError(
      `'redis-server' is not on PATH, and 'apt-get' was not found to install it (Debian package ${DEBIAN_PACKAGE}). ` +
        'Install Redis 7 so that redis-server is on PATH, or point REDIS_URL at a running Redis.',
    );
  }
  log('redis', `redis-server not on PATH; installing Debian package '${DEBIAN_PACKAGE}'`);
  // Stop the package's postinst from starting a system Redis on :6379.
  let createdPolicy = false;
  if (isRoot() && !fs.existsSync(POLICY_RC_D)) {
    try {
      await fsp.writeFile(POLICY_RC_D, '#!/bin/sh\n# temporary, from tandem scripts/infra/redis.mjs\nexit 101\n', { mode: 0o755 });
      createdPolicy = true;
    } catch {
      /* not fatal */
    }
  }
  try {
    const install = ['-q', '-o', 'Dpkg::Use-Pty=0', 'install', '-y', '--no-install-recommends', DEBIAN_PACKAGE];
    try {
      await aptGet(install, `apt-get install -y ${DEBIAN_PACKAGE}`);
    } catch (e) {
      log('redis', `install failed (${e.message.split('\n')[0]}); running apt-get update and retrying`);
      await aptGet(['-q', 'update'], 'apt-get update');
      await aptGet(install, `apt-get install -y ${DEBIAN_PACKAGE} (retry)`);
    }
  } finally {
    if (createdPolicy) await fsp.rm(POLICY_RC_D, { force: true });
  }
  if (!which('redis-server')) {
    throw new InfraError(`redis: apt-get installed ${DEBIAN_PACKAGE} but redis-server is still not on PATH (${process.env.PATH})`);
  }
  return installedVersion();
}

/** RESP PING → +PONG. */
export function redisPing(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    let buf = '';
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on('error', () => done(false));
    sock.on('connect', () => sock.write('*1\r\n$4\r\nPING\r\n'));
    sock.on('data', (d) => {
      buf += d.toString();
      if (buf.includes('\r\n')) done(buf.startsWith('+PONG'));
    });
  });
}

/** Start redis-server on a free port. Returns { env: {REDIS_URL}, url, stop() }. */
export async function start({ dataDir }) {
  const version = await ensure();
  const dir = path.join(dataDir, 'redis');
  await fsp.mkdir(dir, { recursive: true });
  const logFile = path.join(dataDir, 'redis.log');
  const port = await freePort();
  const { child, stop } = spawnServer({
    label: 'redis',
    cmd: 'redis-server',
    args: [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--save', '',
      '--appendonly', 'no',
      '--daemonize', 'no',
      '--dir', dir,
      '--logfile', '',
      '--loglevel', 'warning',
    ],
    cwd: dir,
    logFile,
  });
  try {
    await waitUntil(() => redisPing(port), {
      label: 'redis',
      what: `redis-server to answer PING on 127.0.0.1:${port}`,
      timeoutMs: 15_000,
      intervalMs: 50,
      child,
      describe: () => tailFile(logFile),
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const url = `redis://127.0.0.1:${port}`;
  return { url, env: { REDIS_URL: url }, description: `Redis ${version} (Debian ${DEBIAN_PACKAGE})`, pid: child.pid, child, logFile, stop };
}
