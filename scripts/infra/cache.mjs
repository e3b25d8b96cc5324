// Shared helpers for scripts/infra: the per-machine build cache, progress
// logging, child-process handling and small network utilities.
//
// Cache layout:  ${TANDEM_INFRA_CACHE:-$HOME/.cache/tandem-infra}/<server>-<version>/
//   .complete   written last, after a successful build (JSON: when, how long)
//   .lock/      held while a build runs (so two processes never build the same entry)
// A directory without `.complete` is a half-finished build: it is wiped and redone.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const HEARTBEAT_MS = 15_000;

export function cacheRoot() {
  const root = process.env.TANDEM_INFRA_CACHE || path.join(os.homedir(), '.cache', 'tandem-infra');
  return path.resolve(root);
}

export function entryDir(server, version) {
  return path.join(cacheRoot(), `${server}-${version}`);
}

/** `[infra] <label>: <msg>` on stderr (stdout is kept clean for --print-env). */
export function log(label, msg) {
  process.stderr.write(`[infra] ${label}: ${msg}\n`);
}

export function fmtSecs(ms) {
  return `${(ms / 1000).toFixed(1)}s`;
}

export class InfraError extends Error {
  constructor(msg) {
    super(msg);
    this.name = 'InfraError';
  }
}

/** Absolute path of `cmd` on PATH, or null. */
export function which(cmd) {
  for (const dir of (process.env.PATH || '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return p;
    } catch {
      /* not here */
    }
  }
  return null;
}

/** Throw a clear error naming the missing tool and what needs it. */
export function requireTool(cmd, why, howToGet) {
  const p = which(cmd);
  if (!p) {
    throw new InfraError(
      `'${cmd}' was not found on PATH — it is needed to ${why}.` + (howToGet ? ` Install it: ${howToGet}` : ''),
    );
  }
  return p;
}

export function isComplete(dir) {
  return fs.existsSync(path.join(dir, '.complete'));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function acquireLock(dir, label) {
  const lock = `${dir}.lock`;
  let announced = false;
  for (;;) {
    try {
      await fsp.mkdir(lock);
      await fsp.writeFile(path.join(lock, 'pid'), String(process.pid));
      return async () => fsp.rm(lock, { recursive: true, force: true });
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(await fsp.readFile(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* lock being created or removed right now */
      }
      if (Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) {
        log(label, `removing stale build lock of dead process ${owner}`);
        await fsp.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        log(label, `another process (pid ${owner}) is building this cache entry; waiting…`);
        announced = true;
      }
      await sleep(1000);
    }
  }
}

/**
 * Make sure cache entry <server>-<version> is built. `build(dir)` fills the
 * directory; the marker is written only when it resolves. Idempotent; safe to
 * call from concurrent processes.
 */
export async function ensureEntry({ server, version, label, preflight, build }) {
  const dir = entryDir(server, version);
  label = label || server;
  if (isComplete(dir)) return dir;
  if (preflight) await preflight(); // e.g. toolchain checks, before touching the cache
  await fsp.mkdir(cacheRoot(), { recursive: true });
  const release = await acquireLock(dir, label);
  try {
    if (isComplete(dir)) return dir; // someone else finished it while we waited
    if (fs.existsSync(dir)) {
      log(label, `found an unfinished build in ${dir}; starting it over`);
      await fsp.rm(dir, { recursive: true, force: true });
    }
    await fsp.mkdir(dir, { recursive: true });
    const t0 = Date.now();
    log(label, `building into ${dir}`);
    await build(dir);
    const ms = Date.now() - t0;
    await fsp.writeFile(
      path.join(dir, '.complete'),
      JSON.stringify({ server, version, builtAt: new Date().toISOString(), buildSeconds: ms / 1000 }, null, 2) + '\n',
    );
    log(label, `cache entry ready in ${fmtSecs(ms)}`);
    return dir;
  } finally {
    await release();
  }
}

/**
 * Run a build command, streaming its output to stderr with a prefix and
 * printing a heartbeat with elapsed seconds every ~15 s. Rejects with the
 * last lines of output on a non-zero exit.
 */
export function run(cmd, args, { label, step, short, cwd, env, logFile, quietDownloads, quiet } = {}) {
  label = label || cmd;
  short = short || cmd;
  let downloads = 0;
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    if (step) log(label, `${step}…`);
    const tail = [];
    const logStream = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
    let child;
    try {
      child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      reject(new InfraError(`${label}: could not run ${cmd}: ${e.message}`));
      return;
    }
    installExitHandlers();
    children.add(child); // so an interrupted build does not keep running
    child.on('exit', () => children.delete(child));
    let lastOutput = Date.now();
    const onData = (buf) => {
      lastOutput = Date.now();
      logStream?.write(buf);
      for (const raw of buf.toString().split('\n')) {
        const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trimEnd();
        if (!line.trim()) continue;
        if (quietDownloads && /^go: downloading /.test(line)) {
          downloads++;
          continue;
        }
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (!quiet) process.stderr.write(`[infra] ${label}:   | ${line}\n`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const hb = setInterval(() => {
      if (Date.now() - lastOutput >= HEARTBEAT_MS - 500 || quietDownloads) {
        const dl = quietDownloads && downloads ? `, ${downloads} Go modules downloaded` : '';
        log(label, `${short} still running… ${Math.round((Date.now() - t0) / 1000)}s elapsed${dl}`);
      }
    }, HEARTBEAT_MS);
    child.on('error', (e) => {
      clearInterval(hb);
      logStream?.end();
      reject(new InfraError(`${label}: could not run '${cmd}': ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(hb);
      logStream?.end();
      const ms = Date.now() - t0;
      if (code === 0) {
        const dl = quietDownloads && downloads ? ` (${downloads} Go modules downloaded)` : '';
        if (step) log(label, `${short === cmd ? step : short} done in ${fmtSecs(ms)}${dl}`);
        resolve({ ms });
      } else {
        reject(
          new InfraError(
            `${label}: '${cmd} ${args.join(' ')}' failed (${signal ? `signal ${signal}` : `exit ${code}`}) after ${fmtSecs(ms)}` +
              (tail.length ? `\n--- last output ---\n${tail.join('\n')}` : ''),
          ),
        );
      }
    });
  });
}

/** Run a short command synchronously; returns {status, stdout, stderr}. */
export function runSync(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '', error: r.error };
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}

/** A port that was free on 127.0.0.1 a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Several distinct free ports. */
export async function freePorts(n) {
  const ports = new Set();
  while (ports.size < n) ports.add(await freePort());
  return [...ports];
}

export function canConnect(port, host = '127.0.0.1', timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Poll `check()` until it returns truthy. Fails early if `child` exits, and
 * after `timeoutMs`, with `describe()` (e.g. the log tail) in the message.
 */
export async function waitUntil(check, { label, what, timeoutMs = 60_000, intervalMs = 200, child, describe } = {}) {
  const t0 = Date.now();
  let lastBeat = t0;
  for (;;) {
    if (child && child.exitCode !== null) {
      throw new InfraError(
        `${label}: process exited (code ${child.exitCode}${child.signalCode ? `, ${child.signalCode}` : ''}) before ${what}` +
          (describe ? `\n${await describe()}` : ''),
      );
    }
    if (child && child.signalCode) {
      throw new InfraError(`${label}: process killed (${child.signalCode}) before ${what}` + (describe ? `\n${await describe()}` : ''));
    }
    try {
      if (await check()) return Date.now() - t0;
    } catch {
      /* not yet */
    }
    if (Date.now() - t0 > timeoutMs) {
      throw new InfraError(`${label}: timed out after ${fmtSecs(timeoutMs)} waiting for ${what}` + (describe ? `\n${await describe()}` : ''));
    }
    if (Date.now() - lastBeat >= HEARTBEAT_MS) {
      lastBeat = Date.now();
      log(label, `still waiting for ${what}… ${Math.round((Date.now() - t0) / 1000)}s`);
    }
    await sleep(intervalMs);
  }
}

/** Last `n` lines of a file (for error messages). */
export async function tailFile(file, n = 30) {
  try {
    const text = await fsp.readFile(file, 'utf8');
    const lines = text.split('\n').filter(Boolean);
    return `--- last lines of ${file} ---\n` + lines.slice(-n).join('\n');
  } catch {
    return `(no log at ${file})`;
  }
}

// ---------------------------------------------------------------------------
// Child servers. Every server we start is registered here so that process
// exit / SIGINT / SIGTERM kill them: they never outlive the parent.

const children = new Set();
const tempDirs = new Set();
let handlersInstalled = false;

/** Delete `dir` when the process exits (also on SIGINT/SIGTERM). */
export function registerTempDir(dir) {
  installExitHandlers();
  tempDirs.add(dir);
}

export function unregisterTempDir(dir) {
  tempDirs.delete(dir);
}

function killAll(signal) {
  for (const c of children) {
    try {
      c.kill(signal);
    } catch {
      /* gone */
    }
  }
}

function removeTempDirs() {
  for (const d of tempDirs) {
    try {
      fs.rmSync(d, { recursive: true, force: true, maxRetries: 3 });
    } catch {
      /* best effort */
    }
  }
  tempDirs.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

let shuttingDown = false;

/** True once a SIGINT/SIGTERM/SIGHUP is being handled (servers are being stopped). */
export function isShuttingDown() {
  return shuttingDown;
}

async function onSignal(sig) {
  shuttingDown = true;
  killAll('SIGTERM');
  const t0 = Date.now();
  while (children.size && Date.now() - t0 < 3000) await sleep(50);
  killAll('SIGKILL');
  removeTempDirs();
  // If nobody else handles this signal, do what Node would have done: exit.
  if (process.listeners(sig).length <= 1) process.exit(128 + (os.constants.signals[sig] || 0));
}

export function installExitHandlers() {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => {
    killAll('SIGKILL');
    removeTempDirs();
  });
  for (const sig of SIGNALS) process.on(sig, onSignal);
}

/**
 * Spawn a long-running server. Output goes to `logFile` (appended).
 * Returns the ChildProcess plus `stop()` (SIGTERM, SIGKILL after `killAfterMs`).
 */
export function spawnServer({ label, cmd, args, env, cwd, logFile }) {
  installExitHandlers();
  const out = fs.openSync(logFile, 'a');
  // On Linux, `setpriv --pdeathsig SIGKILL` (util-linux) makes the kernel kill
  // the server even if this process dies without running any handler (SIGKILL,
  // OOM killer, CI timeout). setpriv execs the server, so the pid is the same.
  if (process.platform === 'linux' && which('setpriv')) {
    args = ['--pdeathsig', 'SIGKILL', '--', cmd, ...args];
    cmd = 'setpriv';
  }
  const child = spawn(cmd, args, { cwd, env: env || process.env, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  child.on('error', (e) => {
    children.delete(child);
    log(label, `could not start ${cmd}: ${e.message}`);
  });
  const stop = (killAfterMs = 5000) => stopChild(child, killAfterMs);
  return { child, stop };
}

export function stopChild(child, killAfterMs = 5000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    const timer = setTimeout(() => {
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    }, killAfterMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      child.kill('SIGTERM');
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
