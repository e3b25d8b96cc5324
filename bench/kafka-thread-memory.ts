/**
 * What the Kafka client thread (`KAFKA_CLIENT_THREAD`, `ThreadedKafkaEventBus`) costs in memory: a
 * child process per variant creates the platform's Kafka bus (the client on the main thread, or on
 * its own thread), waits SETTLE_SECONDS (6) for the thread to load, and reports its RSS; the
 * variants alternate, ROUNDS (2) times. No broker is needed: the bus connects lazily, and the
 * thread's cost is its isolate and the code it loads.
 *
 *   node -r ./scripts/register.js bench/kafka-thread-memory.ts
 */
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaEventBus, ThreadedKafkaEventBus, createLogger } from '@tandem/platform';

const ROUNDS = Number(process.env.ROUNDS ?? 2);
const SETTLE_SECONDS = Number(process.env.SETTLE_SECONDS ?? 6);
type Variant = 'main thread' | 'own thread';

if (process.env.KAFKA_THREAD_MEMORY_CHILD) {
  const variant = process.env.KAFKA_THREAD_MEMORY_CHILD as Variant;
  const logger = createLogger({ name: 'bench', level: 'silent' });
  const options = { brokers: ['127.0.0.1:9'], clientId: 'bench-memory', logger };
  const bus = variant === 'own thread' ? new ThreadedKafkaEventBus({ ...options, log: { name: 'bench', level: 'silent' } }) : new KafkaEventBus(options);
  setTimeout(() => {
    process.send!({ rssMiB: process.memoryUsage().rss / 2 ** 20 }, () => void bus.close().finally(() => process.exit(0)));
  }, SETTLE_SECONDS * 1000);
} else {
  void (async () => {
    const runs: Array<{ variant: Variant; rssMiB: number }> = [];
    for (let round = 1; round <= ROUNDS; round++) {
      for (const variant of ['main thread', 'own thread'] as Variant[]) {
        const rssMiB = await new Promise<number>((resolve, reject) => {
          const child = fork(__filename, [], { execArgv: ['-r', join(__dirname, '..', 'scripts', 'register.js')], env: { ...process.env, KAFKA_THREAD_MEMORY_CHILD: variant } });
          child.once('message', (m: { rssMiB: number }) => resolve(m.rssMiB));
          child.once('exit', (code) => code !== 0 && reject(new Error(`the ${variant} child exited with ${code}`)));
        });
        runs.push({ variant, rssMiB: Math.round(rssMiB * 10) / 10 });
        process.stdout.write(`[kafka-thread-memory] round ${round}, client on its ${variant}: RSS ${rssMiB.toFixed(1)} MiB\n`);
      }
    }
    const mean = (v: Variant) => runs.filter((r) => r.variant === v).reduce((n, r) => n + r.rssMiB, 0) / ROUNDS;
    const costMiB = Math.round((mean('own thread') - mean('main thread')) * 10) / 10;
    process.stdout.write(`[kafka-thread-memory] the thread costs ${costMiB} MiB of RSS on average\n`);
    mkdirSync(join(__dirname, 'results'), { recursive: true });
    const command = 'node -r ./scripts/register.js bench/kafka-thread-memory.ts';
    writeFileSync(join(__dirname, 'results', 'kafka-thread-memory.json'), JSON.stringify({ benchmark: 'kafka-thread-memory', command, date: new Date().toISOString(), settleSeconds: SETTLE_SECONDS, runs, costMiB }, null, 2) + '\n');
  })().catch((error: Error) => {
    process.stderr.write(`${error.stack}\n`);
    process.exit(1);
  });
}
