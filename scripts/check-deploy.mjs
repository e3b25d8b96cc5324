#!/usr/bin/env node
// Validates Tandem's deployment files without a container engine or a cluster:
//
//   Dockerfile / .dockerignore   static checks (base image, non-root user, entrypoint, healthcheck)
//   docker-compose.yml           `docker-compose config -q` with Debian's docker-compose 1.29,
//                                then checks on the normalised config (services, health checks,
//                                depends_on conditions, env each service needs, published port)
//   deploy/helm/tandem           `helm lint` and `helm template` with a pinned helm built from
//                                source (go install), then checks on the rendered manifests
//                                (a Deployment + Service + ConfigMap per service, probes, env),
//                                for the defaults and every ci/*-values.yaml; NOTES.txt renders;
//                                bad values are refused (values.schema.json, tandem.validate);
//                                every rendering validated offline against the Kubernetes API types
//                                (scripts/kube-validate: k8s.io/api with strict decoding, the
//                                Prometheus Operator's types for ServiceMonitor)
//
// Tools it gets by itself, once per machine:
//   docker-compose  apt-get install docker-compose (apt-get update only if that install fails)
//   promtool        apt-get install prometheus (Debian's package provides promtool), the same way
//   kube-validate   go build scripts/kube-validate (modules from the Go module proxy) into
//                   <cache>/kube-validate-<source hash>/; cold: a few minutes
//   helm            GOBIN=<cache>/helm-<version> go install helm.sh/helm/v3/cmd/helm@<version>
//                   cache: ${TANDEM_INFRA_CACHE:-$HOME/.cache/tandem-infra}/helm-<version>/helm,
//                   finished when <dir>/.complete exists (same layout as scripts/infra).
//                   Cold: about 3 minutes on 2 cores; then a few seconds per run.
//
//   deploy/prometheus            `promtool check rules` and `promtool test rules` on the alert rules,
//                                `promtool check config` on the compose Prometheus config, and every
//                                Grafana dashboard query parsed by promtool
//
// Usage: node scripts/check-deploy.mjs [--skip-compose] [--skip-helm] [--skip-prometheus]
// Env:   TANDEM_INFRA_CACHE   cache root (default ~/.cache/tandem-infra)
//        TANDEM_HELM_VERSION  another helm v3 version ("latest" or "v3.N" is resolved with go list -m)
//        KUBE_VERSION         Kubernetes version to lint/render against (default 1.31.0)
// Plain Node ESM, no npm dependencies. YAML output is parsed with python3's yaml module
// (python3-yaml is a dependency of Debian's docker-compose).

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// helm.sh/helm/v3 v3.22.0: the newest v3 release in the workplace's Go module list; its go.mod has
// no replace directives, so `go install …@v3.22.0` builds it.
const HELM_PINNED = 'v3.22.0';
// Bump when the way helm is built changes (flags, ldflags): cached builds of another recipe are redone.
const HELM_RECIPE = 2;
const HELM_PINNED_GO = '1.26'; // the `go` line of helm v3.22.0's go.mod
const KUBE_VERSION = process.env.KUBE_VERSION || '1.31.0';
const HEARTBEAT_MS = 15_000;

const SERVICES = ['gateway', 'docs', 'chat', 'presence', 'files', 'stats', 'notifications'];
// What each service needs from its environment (see the architecture notes).
const NEEDS = {
  gateway: ['KAFKA_BROKERS', 'REDIS_URL', 'DOCS_URL', 'CHAT_URL', 'NOTIFICATIONS_URL'],
  docs: ['KAFKA_BROKERS', 'MONGO_URL'],
  chat: ['KAFKA_BROKERS', 'MONGO_URL'],
  presence: ['KAFKA_BROKERS', 'REDIS_URL'],
  files: ['KAFKA_BROKERS', 'MONGO_URL', 'S3_ENDPOINT', 'S3_ACCESS_KEY', 'S3_SECRET_KEY', 'S3_BUCKET'],
  stats: ['KAFKA_BROKERS', 'MONGO_URL'],
  notifications: ['KAFKA_BROKERS', 'MONGO_URL'],
};
const INFRA_SERVICES = ['kafka', 'mongo', 'redis', 'minio', 'minio-init'];

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CHART = path.join('deploy', 'helm', 'tandem');
const args = new Set(process.argv.slice(2));
for (const a of args) {
  if (!['--skip-compose', '--skip-helm', '--skip-prometheus', '--help', '-h'].includes(a)) die(`unknown argument ${a} (try --help)`);
}
if (args.has('--help') || args.has('-h')) {
  process.stdout.write(fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n\n')[0].replace(/^\/\/ ?/gm, '').replace(/^#!.*\n/, '') + '\n');
  process.exit(0);
}

// ---------------------------------------------------------------------------
// output helpers

const t0 = Date.now();
const checked = []; // lines for the final summary
const secs = (ms) => `${(ms / 1000).toFixed(1)}s`;
const say = (msg) => process.stdout.write(`[check-deploy] ${msg}\n`);
const ok = (msg) => {
  checked.push(msg);
  say(`ok: ${msg}`);
};

class CheckError extends Error {}
function die(msg) {
  throw new CheckError(msg);
}
function expect(cond, msg) {
  if (!cond) die(msg);
}

function which(cmd) {
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

/** Run a short command; returns {status, stdout, stderr}. */
function runSync(cmd, argv, opts = {}) {
  const r = spawnSync(cmd, argv, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...opts });
  if (r.error) die(`could not run ${cmd}: ${r.error.message}`);
  return { status: r.status, stdout: r.stdout || '', stderr: r.stderr || '' };
}

/**
 * Run a long command, streaming (or summarising) its output with a prefix and a heartbeat line
 * every 15 s. `filter(line)` returns false to swallow a line (it is still kept for errors).
 */
function runLong(cmd, argv, { label, env, filter, progress, cwd } = {}) {
  return new Promise((resolve, reject) => {
    const start = Date.now();
    const tail = [];
    const child = spawn(cmd, argv, { cwd: cwd || ROOT, env: env || process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let last = Date.now();
    let buf = '';
    const onData = (d) => {
      last = Date.now();
      buf += d.toString();
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (!line.trim()) continue;
        tail.push(line);
        if (tail.length > 40) tail.shift();
        if (!filter || filter(line)) say(`${label}:   | ${line}`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const hb = setInterval(() => {
      if (progress || Date.now() - last >= HEARTBEAT_MS - 500) {
        say(`${label}: still running… ${Math.round((Date.now() - start) / 1000)}s elapsed${progress ? `, ${progress()}` : ''}`);
      }
    }, HEARTBEAT_MS);
    child.on('error', (e) => {
      clearInterval(hb);
      reject(new CheckError(`${label}: could not run ${cmd}: ${e.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(hb);
      const ms = Date.now() - start;
      if (code === 0) resolve({ ms });
      else
        reject(
          new CheckError(
            `${label}: '${cmd} ${argv.join(' ')}' failed (${signal ? `signal ${signal}` : `exit ${code}`}) after ${secs(ms)}` +
              (tail.length ? `\n--- last output ---\n${tail.join('\n')}` : ''),
          ),
        );
    });
  });
}

/** Parse YAML (one or more documents) to JSON values through python3's yaml module. */
function parseYaml(text, what) {
  if (!which('python3')) die(`python3 not found: it is needed to parse ${what} (apt-get install python3 python3-yaml)`);
  const py = 'import sys, json, yaml\nprint(json.dumps([d for d in yaml.safe_load_all(sys.stdin) if d is not None]))';
  const r = runSync('python3', ['-c', py], { input: text });
  if (r.status !== 0) {
    if (/No module named .?yaml/.test(r.stderr)) die(`python3's yaml module is missing: apt-get install python3-yaml (needed to parse ${what})`);
    die(`could not parse ${what} as YAML:\n${r.stderr.trim()}`);
  }
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------
// Dockerfile and .dockerignore (static: no engine here)

function checkDockerfile() {
  const file = path.join(ROOT, 'Dockerfile');
  expect(fs.existsSync(file), 'Dockerfile is missing at the repository root');
  const text = fs.readFileSync(file, 'utf8');
  // Join continuation lines, drop comments.
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const instr = lines.map((l) => {
    const m = /^(\w+)\s*(.*)$/.exec(l);
    return { op: m[1].toUpperCase(), rest: m[2] };
  });
  const froms = instr.filter((i) => i.op === 'FROM');
  expect(froms.length >= 2, 'Dockerfile: expected a multi-stage build (two or more FROM lines)');
  const stageNames = new Set();
  for (const f of froms) {
    const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(f.rest);
    expect(m, `Dockerfile: cannot read "FROM ${f.rest}"`);
    const base = m[1].replace(/^\$\{?\w+\}?$/, '');
    expect(stageNames.has(m[1]) || /^node:20[.\d]*-bookworm-slim(@sha256:[0-9a-f]{64})?$/.test(base) || base === '', `Dockerfile: stage "FROM ${f.rest}" is not based on node:20-bookworm-slim or an earlier stage`);
    if (m[2]) stageNames.add(m[2]);
  }
  for (const i of instr.filter((x) => x.op === 'COPY' && /--from=/.test(x.rest))) {
    const from = /--from=(\S+)/.exec(i.rest)[1];
    expect(stageNames.has(from), `Dockerfile: "COPY ${i.rest}" names stage "${from}", which is not defined before it`);
  }
  const last = instr.slice(instr.lastIndexOf(froms.at(-1)));
  expect(instr.some((i) => i.op === 'RUN' && /\bnpm ci\b/.test(i.rest)), 'Dockerfile: no "RUN npm ci"');
  const users = last.filter((i) => i.op === 'USER');
  expect(users.length && !/^(root|0)(:|$)/.test(users.at(-1).rest), 'Dockerfile: the final stage must switch to a non-root USER');
  const ep = last.filter((i) => i.op === 'ENTRYPOINT').at(-1);
  expect(ep, 'Dockerfile: no ENTRYPOINT in the final stage');
  expect(JSON.stringify(JSON.parse(ep.rest)) === JSON.stringify(['node', '-r', './scripts/register.js']), `Dockerfile: ENTRYPOINT should be ["node","-r","./scripts/register.js"], found ${ep.rest}`);
  const cmd = last.filter((i) => i.op === 'CMD').at(-1);
  expect(cmd && /services\/\w+\/src\/main\.ts/.test(cmd.rest), 'Dockerfile: CMD should name a service main (services/<name>/src/main.ts)');
  const hc = last.filter((i) => i.op === 'HEALTHCHECK').at(-1);
  expect(hc && /fetch\(/.test(hc.rest) && /\/healthz/.test(hc.rest), 'Dockerfile: HEALTHCHECK should use node fetch against /healthz');
  ok(`Dockerfile: ${froms.length} stages on node:20-bookworm-slim, npm ci, non-root USER ${users.at(-1).rest}, ENTRYPOINT node -r ./scripts/register.js, HEALTHCHECK on /healthz`);

  const ignFile = path.join(ROOT, '.dockerignore');
  expect(fs.existsSync(ignFile), '.dockerignore is missing');
  const ign = fs
    .readFileSync(ignFile, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  for (const must of ['node_modules', '.git']) {
    expect(ign.some((p) => p.replace(/^(\*\*\/)?/, '').replace(/\/$/, '') === must), `.dockerignore should exclude ${must}`);
  }
  for (const keep of ['package.json', 'package-lock.json', 'scripts/register.js', 'services', 'libs']) {
    expect(!ign.some((p) => p === keep || p === `/${keep}` || p === `${keep}/`), `.dockerignore must not exclude ${keep}: the image needs it`);
  }
  ok(`.dockerignore: ${ign.length} patterns, excludes node_modules and .git, keeps sources and the lockfile`);
}

// ---------------------------------------------------------------------------
// docker-compose

async function ensureDockerCompose() {
  return ensureDebianTool('docker-compose', 'docker-compose', '--skip-compose');
}

/** Debian's prometheus package provides promtool (installed without its service's recommends). */
async function ensurePromtool() {
  return ensureDebianTool('promtool', 'prometheus', '--skip-prometheus');
}

/** A command from a Debian package: on PATH, or installed with apt-get (apt-get update only if that fails). */
async function ensureDebianTool(tool, pkg, skipFlag) {
  let bin = which(tool);
  if (bin) return bin;
  const apt = which('apt-get');
  if (!apt) {
    die(`${tool} is not installed and apt-get was not found: install Debian's ${pkg} (apt-get install ${pkg}) or put a ${tool} on PATH, or run with ${skipFlag}`);
  }
  const sudo = process.getuid?.() === 0 ? [] : which('sudo') ? ['sudo', '-n'] : null;
  if (!sudo) die(`${tool} is not installed and installing it with apt-get needs root (no sudo found)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = sudo.length ? sudo : [apt];
  const aptArgs = (a) => (sudo.length ? [...pre, apt, ...a] : a);
  const install = aptArgs(['install', '-y', '-q', '--no-install-recommends', pkg]);
  say(`${tool} not found; installing Debian's ${pkg} with apt-get…`);
  // Keep apt's per-package chatter out of the log; errors and "Setting up" lines stay.
  const filter = (line) => !/^(Get:\d|Selecting previously|Preparing to unpack|Unpacking |\(Reading database|Reading package lists|Building dependency tree|Reading state information)/.test(line);
  try {
    await runLong(cmd, install, { label: 'apt-get install', env, filter });
  } catch (e) {
    say(`apt-get install failed (${e.message.split('\n')[0]}); running apt-get update and trying again…`);
    await runLong(cmd, aptArgs(['update', '-q']), { label: 'apt-get update', env });
    await runLong(cmd, install, { label: 'apt-get install', env, filter });
  }
  bin = which(tool);
  expect(bin, `apt-get installed ${pkg} but ${tool} is not on PATH`);
  return bin;
}

// ---------------------------------------------------------------------------
// Prometheus rules and the dashboards' queries (promtool)

const RULES = path.join('deploy', 'prometheus', 'tandem.rules.yml');
const RULE_TESTS = path.join('deploy', 'prometheus', 'tandem.rules.test.yml');

function checkPrometheus(promtool) {
  const version = runSync(promtool, ['--version']).stdout.split('\n')[0].trim();
  const rules = runSync(promtool, ['check', 'rules', RULES]);
  expect(rules.status === 0, `promtool check rules ${RULES} failed:\n${(rules.stdout + rules.stderr).trim()}`);
  ok(`${version}: promtool check rules ${RULES} (${/(\d+) rules found/.exec(rules.stdout)?.[1] ?? '?'} rules)`);
  const tests = runSync(promtool, ['test', 'rules', RULE_TESTS]);
  expect(tests.status === 0, `promtool test rules ${RULE_TESTS} failed:\n${(tests.stdout + tests.stderr).trim()}`);
  ok(`promtool test rules ${RULE_TESTS}: the alerts fire (and stay quiet) as the tests expect`);
  const config = path.join('deploy', 'prometheus', 'prometheus.yml');
  if (fs.existsSync(path.join(ROOT, config))) {
    const c = runSync(promtool, ['check', 'config', '--syntax-only', config]);
    expect(c.status === 0, `promtool check config ${config} failed:\n${(c.stdout + c.stderr).trim()}`);
    ok(`promtool check config --syntax-only ${config}`);
  }
  // Every dashboard query parses: each becomes a recording rule for promtool (Grafana's variables
  // replaced by values of the same kind).
  const dir = path.join(ROOT, 'deploy', 'grafana');
  const exprs = [];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const dash = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const p of dash.panels || []) for (const t of p.targets || []) exprs.push({ where: `${f} "${p.title}"`, expr: t.expr.replaceAll('$__rate_interval', '5m').replaceAll('$group', '.*') });
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-dash-'));
  try {
    const file = path.join(tmp, 'dashboards.rules.yml');
    const yaml = ['groups:', '  - name: dashboard-queries', '    rules:', ...exprs.flatMap((e, i) => [`      - record: dashboard:query_${i}`, `        expr: ${JSON.stringify(e.expr)}`])].join('\n') + '\n';
    fs.writeFileSync(file, yaml);
    const r = runSync(promtool, ['check', 'rules', file]);
    if (r.status !== 0) {
      const bad = /query_(\d+)/.exec(r.stdout + r.stderr);
      die(`a dashboard query does not parse${bad ? ` (${exprs[Number(bad[1])].where}: ${exprs[Number(bad[1])].expr})` : ''}:\n${(r.stdout + r.stderr).trim()}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  ok(`promtool parses all ${exprs.length} queries of the Grafana dashboards in deploy/grafana`);
}

function checkCompose(bin) {
  const file = path.join(ROOT, 'docker-compose.yml');
  expect(fs.existsSync(file), 'docker-compose.yml is missing at the repository root');
  const version = runSync(bin, ['version', '--short']).stdout.trim();
  // Keep the developer's own .env and COMPOSE_* settings out of the check.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^COMPOSE_/.test(k)));
  const opts = { env: { ...env, COMPOSE_PROJECT_NAME: 'tandem' } };
  const q = runSync(bin, ['-f', 'docker-compose.yml', 'config', '-q'], opts);
  expect(q.status === 0, `docker-compose ${version}: "docker-compose -f docker-compose.yml config -q" failed:\n${(q.stderr + q.stdout).trim()}`);
  ok(`docker-compose ${version}: docker-compose -f docker-compose.yml config -q`);

  const full = runSync(bin, ['-f', 'docker-compose.yml', 'config'], opts);
  expect(full.status === 0, `docker-compose config failed:\n${full.stderr}`);
  const [cfg] = parseYaml(full.stdout, 'the output of docker-compose config');
  const svcs = cfg.services || {};
  for (const name of [...INFRA_SERVICES, ...SERVICES]) expect(svcs[name], `docker-compose.yml: no service "${name}"`);
  for (const name of ['kafka', 'mongo', 'redis', 'minio']) {
    expect(svcs[name].healthcheck?.test, `docker-compose.yml: ${name} has no healthcheck`);
  }
  expect(/^apache\/kafka:/.test(svcs.kafka.image || ''), 'docker-compose.yml: kafka should use the apache/kafka image');
  expect(/KRAFT|broker,controller/i.test(JSON.stringify(svcs.kafka.environment || {})), 'docker-compose.yml: kafka should run in KRaft mode (KAFKA_PROCESS_ROLES=broker,controller)');
  expect(/^mongo:7/.test(svcs.mongo.image || ''), 'docker-compose.yml: mongo should be MongoDB 7');
  expect(/^redis:7/.test(svcs.redis.image || ''), 'docker-compose.yml: redis should be Redis 7');
  // Monitoring: Prometheus with Tandem's config and rules, Grafana with the provisioned dashboards.
  expect(svcs.prometheus && svcs.grafana, 'docker-compose.yml: no prometheus or grafana service');
  const mounts = (s) => (s.volumes || []).map((v) => (typeof v === 'string' ? v.split(':').slice(0, 2) : [v.source, v.target])).map(([src, dst]) => [src && path.isAbsolute(src) ? path.relative(ROOT, src) : src, dst]);
  const mounted = (s, src, dst) => mounts(s).some(([a, b]) => a === src && b === dst);
  expect(mounted(svcs.prometheus, 'deploy/prometheus/prometheus.yml', '/etc/prometheus/prometheus.yml'), 'docker-compose.yml: prometheus should mount deploy/prometheus/prometheus.yml');
  expect(mounted(svcs.prometheus, 'deploy/prometheus/tandem.rules.yml', '/etc/prometheus/rules/tandem.rules.yml'), 'docker-compose.yml: prometheus should mount deploy/prometheus/tandem.rules.yml where prometheus.yml loads it');
  expect(mounted(svcs.grafana, 'deploy/grafana/provisioning', '/etc/grafana/provisioning'), 'docker-compose.yml: grafana should mount deploy/grafana/provisioning');
  expect(mounted(svcs.grafana, 'deploy/grafana', '/var/lib/grafana/dashboards/tandem'), 'docker-compose.yml: grafana should mount deploy/grafana as its dashboards');
  const promCfg = fs.readFileSync(path.join(ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
  for (const name of SERVICES) expect(promCfg.includes(`'${name}:3000'`), `deploy/prometheus/prometheus.yml does not scrape ${name}:3000`);
  const provisioned = fs.readFileSync(path.join(ROOT, 'deploy/grafana/provisioning/dashboards/tandem.yml'), 'utf8');
  expect(provisioned.includes('/var/lib/grafana/dashboards/tandem'), 'deploy/grafana/provisioning/dashboards/tandem.yml should read /var/lib/grafana/dashboards/tandem');
  ok('docker-compose.yml: prometheus scrapes every service and loads tandem.rules.yml; grafana is provisioned with deploy/grafana');

  for (const name of SERVICES) {
    const s = svcs[name];
    expect(s.build, `docker-compose.yml: ${name} should be built from the Dockerfile`);
    const ctx = typeof s.build === 'string' ? s.build : s.build.context;
    expect(path.resolve(ROOT, ctx) === ROOT, `docker-compose.yml: ${name} build context should be the repository root, is ${ctx}`);
    const cmd = Array.isArray(s.command) ? s.command.join(' ') : String(s.command || '');
    expect(cmd.includes(`services/${name}/src/main.ts`), `docker-compose.yml: ${name} should run services/${name}/src/main.ts (command: ${cmd || 'none'})`);
    expect(s.healthcheck?.test && /healthz/.test(JSON.stringify(s.healthcheck.test)), `docker-compose.yml: ${name} has no healthcheck on /healthz`);
    const envv = s.environment || {};
    for (const k of ['PORT', ...NEEDS[name]]) expect(envv[k] !== undefined && envv[k] !== '', `docker-compose.yml: ${name} lacks ${k}`);
    if (name === 'gateway') expect(envv.JWT_SECRET || envv.JWKS_URL, 'docker-compose.yml: gateway needs JWT_SECRET or JWKS_URL');
    const deps = s.depends_on || {};
    expect(!Array.isArray(deps), `docker-compose.yml: ${name}.depends_on should use the long form with conditions`);
    for (const [dep, d] of Object.entries(deps)) {
      expect(svcs[dep], `docker-compose.yml: ${name} depends on unknown service ${dep}`);
      const want = dep === 'minio-init' ? 'service_completed_successfully' : 'service_healthy';
      expect(d.condition === want, `docker-compose.yml: ${name} depends on ${dep} with condition ${d.condition}, want ${want}`);
    }
    expect(deps.kafka, `docker-compose.yml: ${name} should wait for kafka`);
    if (NEEDS[name].includes('MONGO_URL')) {
      expect(deps.mongo, `docker-compose.yml: ${name} should wait for mongo`);
      expect(/^mongodb:\/\/[^/]+\/tandem_\w+/.test(envv.MONGO_URL), `docker-compose.yml: ${name} MONGO_URL should name its own database (mongodb://mongo:27017/tandem_<service>)`);
    }
    if (NEEDS[name].includes('REDIS_URL')) expect(deps.redis, `docker-compose.yml: ${name} should wait for redis`);
  }
  const mongoDbs = SERVICES.filter((n) => NEEDS[n].includes('MONGO_URL')).map((n) => svcs[n].environment.MONGO_URL.split('/').pop().split('?')[0]);
  expect(new Set(mongoDbs).size === mongoDbs.length, `docker-compose.yml: services share a Mongo database (${mongoDbs.join(', ')})`);
  const published = (svcs.gateway.ports || []).some((p) => (typeof p === 'object' ? String(p.published) === '3000' && String(p.target) === '3000' : /(^|:)3000:3000(\/tcp)?$/.test(String(p))));
  expect(published, 'docker-compose.yml: gateway should publish port 3000');
  const namedVolumes = Object.keys(cfg.volumes || {});
  expect(namedVolumes.length >= 3, 'docker-compose.yml: expected named volumes for kafka, mongo and minio data');
  ok(
    `docker-compose.yml: ${Object.keys(svcs).length} services (${INFRA_SERVICES.join(', ')} + ${SERVICES.length} app services), ` +
      `health checks, depends_on conditions, per-service env and Mongo databases, gateway on :3000, ${namedVolumes.length} named volumes`,
  );
}

// ---------------------------------------------------------------------------
// helm: built once per machine from source with go install

function cacheRoot() {
  return path.resolve(process.env.TANDEM_INFRA_CACHE || path.join(os.homedir(), '.cache', 'tandem-infra'));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

async function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  let announced = false;
  for (;;) {
    try {
      await fsp.mkdir(lock);
      await fsp.writeFile(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let owner = NaN;
      try {
        owner = Number(await fsp.readFile(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being created or removed */
      }
      if (Number.isFinite(owner) && owner > 0 && !pidAlive(owner)) {
        say(`helm: removing the stale build lock of dead process ${owner}`);
        await fsp.rm(lock, { recursive: true, force: true });
        continue;
      }
      if (!announced) say(`helm: another process (pid ${owner}) is building ${dir}; waiting…`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  const release = () => fs.rmSync(lock, { recursive: true, force: true });
  process.once('exit', release);
  try {
    return await fn();
  } finally {
    release();
    process.removeListener('exit', release);
  }
}

function requireGo() {
  const go = which('go');
  if (!go) {
    die(
      "'go' was not found on PATH: it is needed to build helm from source (go install helm.sh/helm/v3/cmd/helm). " +
        `Install Go ${HELM_PINNED_GO} or newer (helm ${HELM_PINNED}'s go.mod asks for it; Debian 12's golang-go is 1.19, too old), or run with --skip-helm`,
    );
  }
  return go;
}

function helmVersion() {
  const want = process.env.TANDEM_HELM_VERSION || HELM_PINNED;
  if (/^v3\.\d+\.\d+$/.test(want)) return want;
  const go = requireGo();
  const q = want === 'latest' ? 'latest' : want.replace(/^v?/, 'v');
  say(`helm: resolving helm.sh/helm/v3@${q} with go list -m…`);
  const r = runSync(go, ['list', '-m', '-json', `helm.sh/helm/v3@${q}`], { cwd: os.tmpdir(), env: { ...process.env, GO111MODULE: 'on' } });
  expect(r.status === 0, `go list -m helm.sh/helm/v3@${q} failed:\n${r.stderr.trim()}`);
  const v = JSON.parse(r.stdout).Version;
  expect(/^v3\.\d+\.\d+$/.test(v), `go list -m resolved helm.sh/helm/v3@${q} to ${v}, not a v3 release`);
  return v;
}

async function ensureHelm() {
  const version = helmVersion();
  const dir = path.join(cacheRoot(), `helm-${version}`);
  const bin = path.join(dir, 'helm');
  const meta = () => {
    try {
      return JSON.parse(fs.readFileSync(path.join(dir, '.complete'), 'utf8'));
    } catch {
      return null;
    }
  };
  const done = () => meta()?.recipe === HELM_RECIPE && fs.existsSync(bin);
  if (done()) {
    const m = meta();
    say(`helm: using the cached helm ${version} (${bin}, built ${m.builtAt} in ${m.buildSeconds}s)`);
    return { bin, version, built: false };
  }
  const go = requireGo();
  const goVersion = runSync(go, ['env', 'GOVERSION']).stdout.trim();
  await fsp.mkdir(cacheRoot(), { recursive: true });
  return withLock(dir, async () => {
    if (done()) return { bin, version, built: false };
    if (fs.existsSync(dir)) {
      say(`helm: ${meta() ? 'the cached build in ' + dir + ' is of an older recipe' : 'found an unfinished build in ' + dir}; starting it over`);
      await fsp.rm(dir, { recursive: true, force: true });
    }
    await fsp.mkdir(dir, { recursive: true });
    const goEnv = { ...process.env, GO111MODULE: 'on', GOFLAGS: [process.env.GOFLAGS, '-modcacherw'].filter(Boolean).join(' ') };
    // Like helm's Makefile: the default Kubernetes version (used by lint/template without
    // --kube-version) comes from the client-go version in helm's go.mod, set with -X.
    say(`helm: reading helm ${version}'s go.mod (go mod download)…`);
    const dl = runSync(go, ['mod', 'download', '-json', `helm.sh/helm/v3@${version}`], { cwd: os.tmpdir(), env: goEnv });
    expect(dl.status === 0, `go mod download helm.sh/helm/v3@${version} failed:\n${(dl.stderr + dl.stdout).trim()}`);
    const goMod = fs.readFileSync(JSON.parse(dl.stdout).GoMod, 'utf8');
    const needGo = /^go (\d+)\.(\d+)/m.exec(goMod);
    const haveGo = /^go(\d+)\.(\d+)/.exec(goVersion);
    if (needGo && haveGo) {
      const older = Number(haveGo[1]) * 1000 + Number(haveGo[2]) < Number(needGo[1]) * 1000 + Number(needGo[2]);
      const canSwitch = Number(haveGo[2]) >= 21 && (process.env.GOTOOLCHAIN || runSync(go, ['env', 'GOTOOLCHAIN']).stdout.trim()) !== 'local';
      if (older && !canSwitch) die(`helm ${version} needs Go ${needGo[1]}.${needGo[2]} or newer (its go.mod); this machine has ${goVersion}. Install a newer Go, or run with --skip-helm`);
      if (older) say(`helm: helm ${version} needs Go ${needGo[1]}.${needGo[2]}; ${goVersion} will fetch that toolchain (GOTOOLCHAIN)`);
    }
    const cg = /^\s*k8s\.io\/client-go v(\d+)\.(\d+)\./m.exec(goMod);
    expect(cg, `could not find k8s.io/client-go in helm ${version}'s go.mod`);
    const [k8sMajor, k8sMinor] = [Number(cg[1]) + 1, Number(cg[2])];
    const x = (pkg, name, val) => `-X helm.sh/helm/v3/${pkg}.${name}=${val}`;
    const ldflags = [
      '-s -w',
      x('internal/version', 'version', version),
      x('internal/version', 'metadata', ''),
      ...['pkg/chartutil', 'pkg/lint/rules'].flatMap((p) => [x(p, 'k8sVersionMajor', k8sMajor), x(p, 'k8sVersionMinor', k8sMinor)]),
    ].join(' ');
    const argv = ['install', '-v', '-trimpath', `-ldflags=${ldflags}`, `helm.sh/helm/v3/cmd/helm@${version}`];
    say(`helm: building helm ${version} with ${goVersion} into ${dir} (once per machine; a few minutes on 2 cores)`);
    say(`helm: GOBIN=${dir} go ${argv.join(' ')}`);
    let downloads = 0;
    let compiled = 0;
    const started = Date.now();
    await runLong(go, argv, {
      label: 'helm build',
      // Run outside any module: `go install pkg@version` builds with helm's own go.mod.
      cwd: os.tmpdir(),
      env: { ...goEnv, GOBIN: dir },
      filter: (line) => {
        if (/^go: downloading /.test(line)) {
          downloads++;
          return false;
        }
        if (/^[\w.-]+(\/[\w.~+-]+)+$/.test(line) || /^[a-z0-9]+$/.test(line)) {
          compiled++; // `go install -v` prints each package it compiles
          return compiled % 100 === 0 ? (say(`helm build: ${compiled} packages compiled (latest: ${line})`), false) : false;
        }
        return true;
      },
      progress: () => `${downloads} modules downloaded, ${compiled} packages compiled`,
    });
    const ms = Date.now() - started;
    expect(fs.existsSync(bin), `go install finished but ${bin} does not exist`);
    await fsp.writeFile(
      path.join(dir, '.complete'),
      JSON.stringify({ server: 'helm', version, recipe: HELM_RECIPE, go: goVersion, defaultKubeVersion: `${k8sMajor}.${k8sMinor}`, builtAt: new Date().toISOString(), buildSeconds: Math.round(ms / 100) / 10 }, null, 2) + '\n',
    );
    say(`helm: build complete in ${secs(ms)} (${downloads} modules downloaded, ${compiled} packages compiled); marker ${path.join(dir, '.complete')}`);
    return { bin, version, built: true, ms };
  });
}

/**
 * scripts/kube-validate (Go, k8s.io/api types with strict decoding, plus the Prometheus Operator's
 * types for ServiceMonitor), built once per machine from the Go module proxy into
 * <cache>/kube-validate-<hash of its sources>/kube-validate.
 */
async function ensureKubeValidate() {
  const src = path.join(ROOT, 'scripts', 'kube-validate');
  const hash = crypto.createHash('sha256');
  for (const f of ['go.mod', 'go.sum', 'main.go']) hash.update(fs.readFileSync(path.join(src, f)));
  const dir = path.join(cacheRoot(), `kube-validate-${hash.digest('hex').slice(0, 12)}`);
  const bin = path.join(dir, 'kube-validate');
  const done = () => fs.existsSync(path.join(dir, '.complete')) && fs.existsSync(bin);
  if (done()) {
    say(`kube-validate: using the cached build (${bin})`);
    return bin;
  }
  const go = requireGo();
  await fsp.mkdir(cacheRoot(), { recursive: true });
  return withLock(dir, async () => {
    if (done()) return bin;
    await fsp.rm(dir, { recursive: true, force: true });
    await fsp.mkdir(dir, { recursive: true });
    say(`kube-validate: building scripts/kube-validate into ${dir} (k8s.io/client-go from the Go module proxy; once per machine, a few minutes cold)`);
    const env = { ...process.env, GO111MODULE: 'on', GOFLAGS: [process.env.GOFLAGS, '-modcacherw', '-mod=readonly'].filter(Boolean).join(' ') };
    const { ms } = await runLong(go, ['build', '-trimpath', '-o', bin, '.'], { label: 'go build kube-validate', env, cwd: src, filter: (l) => !/^go: downloading/.test(l) });
    await fsp.writeFile(path.join(dir, '.complete'), JSON.stringify({ tool: 'kube-validate', builtAt: new Date().toISOString(), buildSeconds: Math.round(ms / 100) / 10 }) + '\n');
    return bin;
  });
}

/** Validates rendered manifests offline against the Kubernetes types; returns its summary line. */
function kubeValidate(validator, manifests, label) {
  const minor = /^v?1\.(\d+)/.exec(KUBE_VERSION)?.[1] ?? '31';
  const r = runSync(validator, ['-kube-version', `1.${minor}`], { input: manifests });
  expect(r.status === 0, `${label}: the rendered manifests are not valid Kubernetes 1.${minor} objects:\n${(r.stdout + r.stderr).trim()}`);
  return r.stdout.trim();
}

/** The flag this helm accepts for the Kubernetes version, per subcommand. */
function kubeVersionFlag(helm, sub) {
  const help = runSync(helm, [sub, '--help']).stdout;
  return help.includes('--kube-version') ? ['--kube-version', KUBE_VERSION] : [];
}

function helmRun(helm, argv, what) {
  const r = runSync(helm, argv);
  expect(r.status === 0, `${what} failed (helm ${argv.join(' ')}):\n${(r.stdout + r.stderr).trim()}`);
  return r.stdout;
}

function docsByKind(docs, kind) {
  return docs.filter((d) => d && d.kind === kind);
}

/** Checks on a rendered chart. `vals` describes what the values enabled. */
function checkRendered(docs, { label, expectIngress, hpaFor = [], ingressController = 'nginx', stickySessions = true, expectServiceMonitor, expectSecret, expectNetworkPolicy = false, expectDevDeps = false, disabled = [] }) {
  const comp = (d) => d.metadata?.labels?.['app.kubernetes.io/component'];
  // Tandem's services (the bundled dev dependencies are checked separately).
  const deployments = docsByKind(docs, 'Deployment').filter((d) => SERVICES.includes(comp(d)));
  const enabled = SERVICES.filter((s) => !disabled.includes(s));
  for (const name of enabled) {
    const dep = deployments.filter((d) => comp(d) === name);
    expect(dep.length === 1, `${label}: expected one Deployment for ${name}, found ${dep.length}`);
    const d = dep[0];
    const spec = d.spec.template.spec;
    const c = spec.containers.find((x) => x.name === name) || spec.containers[0];
    expect((c.args || []).join(' ').includes(`services/${name}/src/main.ts`), `${label}: ${name} container args should run services/${name}/src/main.ts`);
    expect(c.livenessProbe?.httpGet?.path === '/healthz', `${label}: ${name} liveness probe should GET /healthz`);
    expect(c.readinessProbe?.httpGet?.path === '/readyz', `${label}: ${name} readiness probe should GET /readyz`);
    expect(c.ports?.some((p) => p.name === 'http'), `${label}: ${name} has no container port named http`);
    expect(spec.securityContext?.runAsNonRoot === true, `${label}: ${name} pod should run as non-root`);
    expect(c.resources?.requests, `${label}: ${name} has no resource requests`);
    // Graceful termination: the endpoints drop the pod during preStop, then SIGTERM drains sockets
    // and commits consumer offsets; the grace period must leave room for both.
    const preStop = Number(c.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
    expect(c.lifecycle?.preStop, `${label}: ${name} has no preStop hook (the pod would get SIGTERM while still in the Service's endpoints)`);
    expect(spec.terminationGracePeriodSeconds >= preStop + 15, `${label}: ${name} terminationGracePeriodSeconds (${spec.terminationGracePeriodSeconds}) leaves under 15 s after preStop (${preStop} s) to drain and commit`);
    const envNames = new Set((c.env || []).map((e) => e.name));
    const cmName = (c.envFrom || []).map((e) => e.configMapRef?.name).find(Boolean);
    const cm = docsByKind(docs, 'ConfigMap').find((m) => m.metadata.name === cmName);
    expect(cm, `${label}: ${name} takes its env from ConfigMap ${cmName}, which is not rendered`);
    for (const k of Object.keys(cm.data || {})) envNames.add(k);
    for (const k of ['PORT', 'LOG_LEVEL', 'OTEL_SERVICE_NAME', ...NEEDS[name]]) expect(envNames.has(k), `${label}: ${name} lacks ${k} in its environment`);
    if (name === 'gateway') expect(envNames.has('JWT_SECRET') || envNames.has('JWKS_URL'), `${label}: gateway needs JWT_SECRET or JWKS_URL`);
    const svc = docsByKind(docs, 'Service').find((s) => comp(s) === name);
    expect(svc, `${label}: no Service for ${name}`);
    const sel = svc.spec.selector || {};
    const podLabels = d.spec.template.metadata.labels || {};
    expect(Object.entries(sel).every(([k, v]) => podLabels[k] === v), `${label}: the ${name} Service selector does not match its pods`);
    expect(Object.entries(d.spec.selector.matchLabels).every(([k, v]) => podLabels[k] === v), `${label}: the ${name} Deployment selector does not match its pods`);
  }
  for (const name of disabled) expect(!deployments.some((d) => comp(d) === name), `${label}: ${name} is disabled but still has a Deployment`);
  expect(deployments.length === enabled.length, `${label}: ${deployments.length} Deployments for ${enabled.length} services`);
  const has = (kind) => docsByKind(docs, kind).length > 0;
  expect(has('Ingress') === expectIngress, `${label}: Ingress ${expectIngress ? 'missing' : 'rendered although disabled'}`);
  // Autoscaling: one HPA per service that asks for it, on that service's Deployment; a consumer's
  // maximum stays within the partitions (more consumers than partitions would sit idle).
  const hpas = docsByKind(docs, 'HorizontalPodAutoscaler');
  const want = hpaFor.filter((s) => enabled.includes(s)).sort();
  expect(JSON.stringify(hpas.map(comp).sort()) === JSON.stringify(want), `${label}: HorizontalPodAutoscalers for [${hpas.map(comp).sort()}], expected [${want}]`);
  for (const hpa of hpas) {
    const name = comp(hpa);
    const dep = deployments.find((d) => comp(d) === name);
    expect(hpa.spec.scaleTargetRef?.kind === 'Deployment' && hpa.spec.scaleTargetRef.name === dep?.metadata.name, `${label}: the ${name} HPA does not scale the ${name} Deployment`);
    expect(hpa.spec.minReplicas >= 1 && hpa.spec.maxReplicas >= hpa.spec.minReplicas && hpa.spec.metrics?.length > 0, `${label}: the ${name} HPA needs 1 <= minReplicas <= maxReplicas and a metric`);
    const cmName = (dep.spec.template.spec.containers[0].envFrom || []).map((e) => e.configMapRef?.name).find(Boolean);
    const partitions = Number(docsByKind(docs, 'ConfigMap').find((m) => m.metadata.name === cmName)?.data?.KAFKA_PARTITIONS);
    if (name !== 'gateway' && partitions) expect(hpa.spec.maxReplicas <= partitions, `${label}: the ${name} HPA may scale to ${hpa.spec.maxReplicas} consumers for ${partitions} partitions`);
  }
  expect(has('ServiceMonitor') === expectServiceMonitor, `${label}: ServiceMonitor ${expectServiceMonitor ? 'missing' : 'rendered although disabled'}`);
  expect(has('Secret') === expectSecret, `${label}: Secret ${expectSecret ? 'missing' : 'rendered although existingSecret is set'}`);
  expect(has('PodDisruptionBudget'), `${label}: no PodDisruptionBudget`);
  const policies = docsByKind(docs, 'NetworkPolicy');
  expect(policies.length === (expectNetworkPolicy ? enabled.length : 0), `${label}: ${policies.length} NetworkPolicies, expected ${expectNetworkPolicy ? enabled.length : 0}`);
  for (const np of policies) {
    const target = np.spec.podSelector?.matchLabels?.['app.kubernetes.io/component'];
    expect(enabled.includes(target), `${label}: NetworkPolicy ${np.metadata.name} selects no Tandem service`);
    expect(np.spec.ingress?.every((r) => r.ports?.some((p) => p.port === 'http')), `${label}: NetworkPolicy ${np.metadata.name} should admit the http port only`);
  }
  const devDeps = ['kafka', 'mongodb', 'redis', 'minio'];
  for (const dep of devDeps) {
    const dd = docsByKind(docs, 'Deployment').filter((d) => comp(d) === `dev-${dep}`);
    const ds = docsByKind(docs, 'Service').filter((x) => x.metadata.name === dep);
    expect(dd.length === (expectDevDeps ? 1 : 0) && ds.length === (expectDevDeps ? 1 : 0), `${label}: the bundled ${dep} should be rendered ${expectDevDeps ? 'once (Deployment + Service named ' + dep + ')' : 'only with devDependencies.enabled'}`);
  }
  if (expectIngress) {
    const ing = docsByKind(docs, 'Ingress')[0];
    const backends = JSON.stringify(ing.spec.rules);
    expect(/gateway/.test(backends), `${label}: the Ingress should route to the gateway Service`);
    // Websockets must outlive the controller's default proxy timeouts; long-polling needs stickiness.
    const ann = ing.metadata.annotations || {};
    const gwSvc = docsByKind(docs, 'Service').find((s) => comp(s) === 'gateway');
    if (ingressController === 'nginx') {
      expect(Number(ann['nginx.ingress.kubernetes.io/proxy-read-timeout']) >= 300 && Number(ann['nginx.ingress.kubernetes.io/proxy-send-timeout']) >= 300, `${label}: ingress-nginx would cut idle websockets after 60 s (proxy-read/send-timeout)`);
      if (stickySessions) expect(ann['nginx.ingress.kubernetes.io/affinity'] === 'cookie', `${label}: the Ingress has no sticky-session cookie (affinity: cookie)`);
    } else if (ingressController === 'traefik' && stickySessions) {
      expect(gwSvc?.metadata.annotations?.['traefik.ingress.kubernetes.io/service.sticky.cookie'] === 'true', `${label}: the gateway Service has no Traefik sticky cookie`);
    }
  }
  const kinds = {};
  for (const d of docs) kinds[d.kind] = (kinds[d.kind] || 0) + 1;
  return Object.entries(kinds)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
}

/**
 * `helm template` does not render NOTES.txt, so render it through a copy of the chart in which a
 * ConfigMap carries the NOTES text. Returns the rendered text.
 */
function renderNotes(helm, base, extra) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tandem-notes-'));
  try {
    const copy = path.join(tmp, 'tandem');
    fs.cpSync(path.join(ROOT, CHART), copy, { recursive: true });
    const notes = fs.readFileSync(path.join(copy, 'templates', 'NOTES.txt'), 'utf8');
    fs.writeFileSync(path.join(copy, 'templates', '_notes_check.tpl'), `{{- define "notesCheck" -}}\n${notes}\n{{- end -}}\n`);
    fs.writeFileSync(
      path.join(copy, 'templates', 'notes-check.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-check\ndata:\n  notes: |\n{{ include "notesCheck" . | indent 4 }}\n',
    );
    const argv = base.map((a) => (a === CHART ? copy : a));
    const out = helmRun(helm, [...argv, '--show-only', 'templates/notes-check.yaml', ...extra], 'rendering NOTES.txt');
    return parseYaml(out, 'the rendered NOTES.txt')[0].data.notes;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function checkHelm({ bin: helm, version, built, ms }, validator) {
  const chartDir = path.join(ROOT, CHART);
  for (const f of ['Chart.yaml', 'values.yaml', 'values.schema.json', 'templates/_helpers.tpl', 'templates/NOTES.txt']) {
    expect(fs.existsSync(path.join(chartDir, f)), `${CHART}/${f} is missing`);
  }
  try {
    JSON.parse(fs.readFileSync(path.join(chartDir, 'values.schema.json'), 'utf8'));
  } catch (e) {
    die(`${CHART}/values.schema.json is not valid JSON: ${e.message}`);
  }
  const hv = runSync(helm, ['version', '--short']).stdout.trim();
  ok(`helm ${version} (${hv})${built ? `, built by this run in ${secs(ms)}` : ', from the cache'}`);

  const lintKube = kubeVersionFlag(helm, 'lint');
  const tplKube = kubeVersionFlag(helm, 'template');
  const ciValues = fs.existsSync(path.join(chartDir, 'ci'))
    ? fs
        .readdirSync(path.join(chartDir, 'ci'))
        .filter((f) => /-values\.ya?ml$/.test(f))
        .sort()
    : [];

  // lint: defaults, then each ci/*-values.yaml
  helmRun(helm, ['lint', CHART, '--strict', ...lintKube], 'helm lint');
  ok(`helm lint ${CHART} --strict ${lintKube.join(' ')}`.trim());
  for (const f of ciValues) {
    helmRun(helm, ['lint', CHART, '--strict', ...lintKube, '-f', path.join(CHART, 'ci', f)], `helm lint with ci/${f}`);
    ok(`helm lint ${CHART} --strict ${lintKube.join(' ')} -f ci/${f}`);
  }

  // template: defaults
  const base = ['template', 'tandem', CHART, '--namespace', 'tandem', ...tplKube];
  const out = helmRun(helm, base, 'helm template');
  const docs = parseYaml(out, 'helm template output');
  ok(`kube-validate (defaults): ${kubeValidate(validator, out, 'helm template (defaults)')}`);
  // The validator itself must refuse what the API server would: a misspelt field, a wrong type.
  for (const [bad, mention] of [
    [out.replace(/\n(\s+)terminationGracePeriodSeconds:/, '\n$1terminationGracePeriodSecond:'), 'unknown field'],
    [out.replace(/\n(\s+)replicas: \d+/, '\n$1replicas: two'), 'replicas'],
  ]) {
    const r = runSync(validator, ['-kube-version', '1.31'], { input: bad });
    expect(r.status !== 0 && r.stdout.includes(mention), `kube-validate accepted a broken manifest (expected "${mention}"):\n${r.stdout}`);
  }
  const summary = checkRendered(docs, { label: 'helm template (defaults)', expectIngress: false, expectServiceMonitor: false, expectSecret: true });
  ok(`helm template (defaults) ${tplKube.join(' ')}: ${summary}; a Deployment+Service+ConfigMap per service, probes /healthz and /readyz, non-root`);

  // template: each ci values file, with what it turns on
  for (const f of ciValues) {
    const vals = parseYaml(fs.readFileSync(path.join(chartDir, 'ci', f), 'utf8'), `ci/${f}`)[0] || {};
    const disabled = Object.entries(vals.services || {})
      .filter(([, v]) => v && v.enabled === false)
      .map(([k]) => k);
    const hpaFor = SERVICES.filter((s) => vals.services?.[s]?.autoscaling?.enabled ?? vals.defaults?.autoscaling?.enabled === true);
    // The production-shaped values scale the gateway and every consumer.
    if (f === 'production-values.yaml') expect(hpaFor.length === SERVICES.length, `ci/${f} should autoscale every service; it autoscales ${hpaFor.join(', ')}`);
    const o = helmRun(helm, [...base, '-f', path.join(CHART, 'ci', f)], `helm template -f ci/${f}`);
    ok(`kube-validate (ci/${f}): ${kubeValidate(validator, o, `helm template -f ci/${f}`)}`);
    const s = checkRendered(parseYaml(o, `helm template -f ci/${f}`), {
      label: `helm template -f ci/${f}`,
      expectIngress: vals.ingress?.enabled === true,
      hpaFor,
      ingressController: vals.ingress?.controller ?? 'nginx',
      stickySessions: vals.ingress?.stickySessions?.enabled ?? true,
      expectServiceMonitor: vals.metrics?.serviceMonitor?.enabled === true,
      expectSecret: !vals.secret?.existingSecret,
      expectNetworkPolicy: vals.networkPolicy?.enabled === true,
      expectDevDeps: vals.devDependencies?.enabled === true,
      disabled,
    });
    ok(`helm template -f ci/${f}: ${s}`);
  }

  // NOTES.txt renders, and says what matters for the values given
  const notesCases = [
    [[], 'defaults', ['port-forward svc/tandem-gateway', 'base64 -d', 'WARNING: no S3 credentials', 'long-polling']],
    ...ciValues.map((f) => [['-f', path.join(CHART, 'ci', f)], `ci/${f}`, ['Socket.IO and sticky sessions']]),
  ];
  for (const [extra, label, mustSay] of notesCases) {
    const notes = renderNotes(helm, base, extra);
    for (const m of mustSay) expect(notes.includes(m), `NOTES.txt (${label}) should mention "${m}"; it reads:\n${notes}`);
    expect(!/<no value>/.test(notes), `NOTES.txt (${label}) prints "<no value>":\n${notes}`);
  }
  ok(`NOTES.txt renders for the defaults and ${ciValues.length} ci values file(s) (access, JWT secret, sticky-session note, warnings)`);

  // values that must be refused before anything reaches a cluster: by values.schema.json, or by
  // the chart's cross-field checks (templates/_helpers.tpl, tandem.validate)
  const bad = [
    [['--set', 'services.gateway.replicas=two'], 'a non-integer replica count', '/services/gateway/replicas'],
    [['--set', 'image.pullPolicy=Sometimes'], 'an unknown pullPolicy', '/image/pullPolicy'],
    [['--set', 'nosuchKey=1'], 'an unknown top-level key', "'nosuchKey' not allowed"],
    [['--set', 'services.chat.replicaz=2'], 'a misspelt service setting', "'replicaz' not allowed"],
    [['--set', 'services.gateway.uses={kafka,postgres}'], 'an unknown dependency in uses', '/services/gateway/uses/1'],
    [['--set', 'kafka.brokers='], 'empty Kafka brokers', '/kafka/brokers'],
    [['--set', 'kafka.brokers=kafka'], 'a broker without a port', '/kafka/brokers'],
    [['--set', 'services.docs.resources.requests.cpu=lots'], 'a malformed CPU quantity', '/services/docs/resources/requests/cpu'],
    [['--set', 'secret.jwtSecret=too-short'], 'a JWT secret under 32 characters', '/secret/jwtSecret'],
    [['--set', 'services.docs.enabled=false'], 'the gateway without the docs service', 'enable services.docs'],
    [['--set', 'services.chat.enabled=false'], 'the gateway without the chat service', 'enable services.chat'],
    [['--set', 'mongo.auth.enabled=true'], 'Mongo auth without credentials', 'mongo.auth.enabled=true'],
    [['--set', 'devDependencies.enabled=true'], 'bundled MinIO without credentials', 'devDependencies.enabled=true'],
    [['--set', 'networkPolicy.egress.restrict=yes'], 'a non-boolean egress restriction', '/networkPolicy/egress/restrict'],
    [['--set', 'services.chat.autoscaling.enabled=true', '--set', 'services.chat.autoscaling.maxReplicas=7'], 'more chat consumers than partitions', 'exceeds kafka.partitions'],
  ];
  for (const [extra, what, mention] of bad) {
    const r = runSync(helm, [...base, ...extra]);
    expect(r.status !== 0, `helm template accepted ${what} (${extra.join(' ')}): the chart should refuse it`);
    expect((r.stderr + r.stdout).includes(mention), `helm template refused ${what} (${extra.join(' ')}), but its message does not mention "${mention}":\n${r.stderr.trim()}`);
  }
  ok(`the chart refuses ${bad.length} kinds of bad values, naming the value (${bad.map(([, w]) => w).join('; ')})`);
}

// ---------------------------------------------------------------------------

async function main() {
  say(`checking the deployment files in ${ROOT}`);
  // Tools first, so that a fresh machine gets (and caches) them even while a file is wrong.
  const compose = args.has('--skip-compose') ? null : await ensureDockerCompose();
  const helm = args.has('--skip-helm') ? null : await ensureHelm();
  const validator = args.has('--skip-helm') ? null : await ensureKubeValidate();
  const promtool = args.has('--skip-prometheus') ? null : await ensurePromtool();
  checkDockerfile();
  if (promtool) checkPrometheus(promtool);
  else say('skipping promtool (--skip-prometheus)');
  if (compose) checkCompose(compose);
  else say('skipping docker-compose (--skip-compose)');
  if (helm) checkHelm(helm, validator);
  else say('skipping helm (--skip-helm)');
  say(`checked, in ${secs(Date.now() - t0)}:`);
  for (const c of checked) say(`  - ${c}`);
  say(`all deployment checks passed (${checked.length} checks)`);
}

main().catch((e) => {
  const msg = e instanceof CheckError ? e.message : e.stack || String(e);
  process.stderr.write(`[check-deploy] FAILED: ${msg}\n`);
  process.exit(1);
});
