#!/usr/bin/env node
// Smoke test for scripts/infra: start the servers, check that each one really
// works, stop them. No npm dependencies.
//   kafka  create a topic, produce one message, consume it back
//          (Kafka's own TopicCommand / ConsoleProducer / ConsoleConsumer from the cached jars)
//   mongo  OP_MSG ping on the MongoDB wire protocol
//   redis  RESP PING (and `redis-cli ping` when redis-cli is on PATH)
//   s3     GET /minio/health/ready, and an unsigned request is refused
//
// usage: node scripts/infra/smoke.mjs [--only kafka,redis]
// Exits 0 when every check passed; prints 'N passed, N failed'.

import { spawn } from 'node:child_process';
import { mongoPing } from './ferretdb.mjs';
import * as kafka from './kafka.mjs';
import { redisPing } from './redis.mjs';
import { which } from './cache.mjs';
import { startInfra } from './up.mjs';

function exec(cmd, args, { input, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(t);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.slice(-6).join(' ')} exited ${code}\n${err.slice(-2000)}`));
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

function kafkaTool(cls, args, opts) {
  return exec('java', ['-Xmx256m', '-XX:TieredStopAtLevel=1', '-Dlog4j2.level=WARN', '-cp', kafka.classpath(), cls, ...args], opts);
}

const checks = {
  async kafka(env) {
    await kafka.ensure(); // the CLI classes come from the cached jars
    const bs = env.KAFKA_BROKERS;
    const topic = `smoke-${Date.now()}`;
    await kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bs, '--create', '--topic', topic, '--partitions', '1']);
    const list = await kafkaTool('org.apache.kafka.tools.TopicCommand', ['--bootstrap-server', bs, '--list']);
    if (!list.split('\n').includes(topic)) throw new Error(`topic ${topic} not listed: ${list}`);
    const msg = `hello-${process.pid}`;
    await kafkaTool('org.apache.kafka.tools.ConsoleProducer', ['--bootstrap-server', bs, '--topic', topic], { input: `${msg}\n` });
    const got = await kafkaTool('org.apache.kafka.tools.consumer.ConsoleConsumer', [
      '--bootstrap-server', bs, '--topic', topic, '--from-beginning', '--max-messages', '1', '--timeout-ms', '30000',
      '--group', `smoke-group-${process.pid}`,
    ]);
    if (got.trim() !== msg) throw new Error(`consumed ${JSON.stringify(got)}, expected ${msg}`);
    return `created ${topic}, produced and consumed '${msg}' (consumer group ${`smoke-group-${process.pid}`})`;
  },
  async mongo(env) {
    const u = new URL(env.MONGO_URL);
    if (!(await mongoPing(Number(u.port || 27017), u.hostname))) throw new Error('ping did not return ok: 1');
    return `ping ok at ${env.MONGO_URL}`;
  },
  async redis(env) {
    const u = new URL(env.REDIS_URL);
    if (!(await redisPing(Number(u.port || 6379), u.hostname))) throw new Error('PING did not return PONG');
    if (which('redis-cli')) {
      const out = (await exec('redis-cli', ['-u', env.REDIS_URL, 'ping'])).trim();
      if (out !== 'PONG') throw new Error(`redis-cli ping said ${out}`);
      return 'PING -> PONG (and redis-cli ping -> PONG)';
    }
    return 'PING -> PONG';
  },
  async s3(env) {
    const ready = await fetch(`${env.S3_ENDPOINT}/minio/health/ready`);
    if (!ready.ok) throw new Error(`health/ready returned ${ready.status}`);
    const anon = await fetch(`${env.S3_ENDPOINT}/`);
    if (anon.status !== 403) throw new Error(`anonymous ListBuckets returned ${anon.status}, expected 403`);
    return `health/ready 200, anonymous request refused (403) at ${env.S3_ENDPOINT}`;
  },
};

const argv = process.argv.slice(2);
const i = argv.indexOf('--only');
const only = i >= 0 ? argv[i + 1].split(',') : undefined;

const infra = await startInfra({ only });
let passed = 0;
let failed = 0;
try {
  for (const name of Object.keys(infra.servers)) {
    const t = Date.now();
    try {
      const what = await checks[name](infra.env);
      passed++;
      console.log(`ok   ${name}: ${what} (${((Date.now() - t) / 1000).toFixed(1)}s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}: ${e.message}`);
    }
  }
} finally {
  await infra.stop();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
