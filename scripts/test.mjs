// `npm test`: every test of the repository, on real servers.
//
//   1. the TypeScript check and the unit tests of every project (`nx run-many -t test`), while the real servers start;
//   2. integration tests (`nx run-many -t test:integration`) against real Kafka, FerretDB, Redis and
//      MinIO, started by scripts/infra (built once per machine into a cache) unless KAFKA_BROKERS,
//      MONGO_URL, REDIS_URL or S3_ENDPOINT already point at running ones;
//   3. end-to-end tests (e2e/): service processes, real sockets and Debian's Chromium;
//   4. deployment checks (docker-compose config, helm lint/template).
// Every stage runs even if an earlier one failed; the summary says which failed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startInfra } from './infra/up.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const started = Date.now();
const results = [];
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const say = (msg) => console.log(`\n[test] ${msg}`);

function run(name, cmd, args, env = {}) {
  return new Promise((resolve) => {
    const t0 = Date.now();
    say(`${name}: ${cmd} ${args.join(' ')}`);
    const child = spawn(cmd, args, { cwd: root, stdio: ['inherit', 'pipe', 'pipe'], env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0'), ...env } });
    // Output is passed through as it comes; the names of failed suites and tests are kept for the
    // summary, so that the end of a long log says what failed (a CI page often shows only the end).
    const failures = new Set();
    const watch = (stream, out) => {
      let rest = '';
      stream.on('data', (chunk) => {
        out.write(chunk);
        const lines = (rest + chunk.toString('utf8')).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) {
          const plain = line.replace(/\x1b\[[0-9;]*m/g, '');
          const suite = /(?:^|\s)FAIL\s+(?:.*\s)?(\S+\.spec\.ts)/.exec(plain);
          const test = /●\s+(.+ › .+)$/.exec(plain);
          // Jest names a failed suite twice (as it ends, and in its closing summary, from another root).
          const name = suite ? suite[1].replace(/^(\.\/)+/, '') : test?.[1].trim();
          if (name && failures.size < 20 && ![...failures].some((f) => f.endsWith(name) || name.endsWith(f))) failures.add(name);
        }
      });
    };
    watch(child.stdout, process.stdout);
    watch(child.stderr, process.stderr);
    child.on('exit', (code, signal) => {
      const ok = code === 0;
      results.push({ name, ok, took: Date.now() - t0, detail: ok ? '' : `exit ${code ?? signal}`, failures: [...failures] });
      resolve(ok);
    });
  });
}

function ensureChromium() {
  if (existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) return;
  say("installing Debian's chromium for the browser tests (apt-get install chromium)…");
  const sudo = process.getuid?.() === 0 ? [] : ['sudo'];
  const install = () => spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), '-q', 'install', '-y', '--no-install-recommends', 'chromium'], { stdio: 'inherit' });
  if (install().status !== 0) {
    spawnSync(sudo[0] ?? 'apt-get', [...(sudo.length ? ['apt-get'] : []), '-q', 'update'], { stdio: 'inherit' });
    if (install().status !== 0) throw new Error("could not install Debian's chromium; install it (apt-get install chromium) or set CHROMIUM_PATH");
  }
}

/** The JS file of a package's command, to run with this Node. */
function binOf(pkg, name = pkg) {
  const manifest = join(root, 'node_modules', pkg, 'package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  return join(dirname(manifest), typeof bin === 'string' ? bin : bin[name]);
}
const nx = binOf('nx');
const jest = binOf('jest');

// The servers build (cold cache) and start while the unit tests run.
say('starting the real servers for the integration tests (scripts/infra) while unit tests run…');
const infraPromise = startInfra().then(
  (infra) => ({ infra }),
  (error) => ({ error }),
);
await run('typecheck', process.execPath, [binOf('typescript', 'tsc'), '-p', 'tsconfig.json', '--noEmit']);
await run('unit tests', process.execPath, [nx, 'run-many', '-t', 'test', '--outputStyle=stream', '--skipNxCache']);

const { infra, error } = await infraPromise;
if (error) {
  console.error(`\n[test] the real servers did not start: ${error.message}`);
  results.push({ name: 'real servers', ok: false, took: 0, detail: error.message.split('\n')[0] });
} else {
  say('integration and end-to-end tests run against:');
  for (const [name, server] of Object.entries(infra.servers)) {
    console.log(`         ${name.padEnd(6)} ${server.external ? `already running, from the environment (${server.url})` : `${server.description} at ${server.url}, started for this run`}`);
  }
  const env = infra.env;
  await run('integration tests', process.execPath, [nx, 'run-many', '-t', 'test:integration', '--outputStyle=stream', '--skipNxCache'], env);
  try {
    ensureChromium();
  } catch (e) {
    results.push({ name: 'chromium', ok: false, took: 0, detail: e.message });
  }
  await run('web app build', process.execPath, [binOf('vite'), 'build', '--config', 'apps/web/vite.config.mjs', '--logLevel', 'warn']);
  await run('end-to-end tests', process.execPath, [jest, '-c', 'e2e/jest.config.js'], env);
  await infra.stop();
}
await run('deployment checks', process.execPath, [join(root, 'scripts/check-deploy.mjs')]);

say(`summary (${secs(Date.now() - started)} in all):`);
for (const r of results) {
  console.log(`  ${r.ok ? 'PASS' : 'FAIL'}  ${r.name.padEnd(20)} ${secs(r.took).padStart(7)}  ${r.detail}`);
  if (!r.ok) for (const f of r.failures ?? []) console.log(`          failed: ${f}`);
}
if (!error) for (const [name, server] of Object.entries(infra.servers)) console.log(`  servers: ${name}: ${server.external ? 'from the environment' : server.description}`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
