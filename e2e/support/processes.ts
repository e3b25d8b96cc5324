import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningProcess {
  name: string;
  url: string;
  child: ChildProcess;
  /** Last lines of its output, for failure messages. */
  output(): string;
  /** SIGKILL: no shutdown hooks, no commits — a crash. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the graceful path. */
  stop(): Promise<void>;
}

const running = new Set<RunningProcess>();

/** Stops every process a test started (registered by {@link startProcess}). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop()));
}

/**
 * Node flags that write a CPU profile of the process into `$PROFILE_DIR/<name>/` when it
 * exits (SIGTERM included: the services exit through their shutdown hooks); none when PROFILE_DIR is unset.
 * Open the files in Chrome DevTools (Performance) or VS Code.
 */
export function profileArgs(name: string): string[] {
  const dir = process.env.PROFILE_DIR;
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${join(dir, name)}`] : [];
}

/**
 * Starts a Tandem entry point (`services/<name>/src/main.ts` or `apps/standalone/src/main.ts`) as its
 * own Node process on a free port and waits until `/readyz` answers 200.
 */
export async function startProcess(name: string, entry: string, env: Record<string, string>, timeoutMs = 60_000, fixedPort?: number): Promise<RunningProcess> {
  // A fixed port lets a restarted process be found where the others expect it (e.g. DOCS_URL).
  const port = fixedPort ?? (await freePort());
  const child = spawn(process.execPath, [...profileArgs(name), '-r', join(root, 'scripts/register.js'), join(root, entry)], {
    cwd: root,
    // Failover tests kill processes: their partitions move after the session timeout (10 s here, 30 s by default).
    env: { ...process.env, LOG_LEVEL: 'warn', KAFKA_SESSION_TIMEOUT_MS: '10000', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: RunningProcess = {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    output: () => log,
    kill: async () => {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stop: async () => {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(proc);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode} during start-up:\n${log}`);
    try {
      const res = await fetch(`${proc.url}/readyz`);
      if (res.status === 200) return proc;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await proc.kill();
      throw new Error(`${name} was not ready within ${timeoutMs} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
