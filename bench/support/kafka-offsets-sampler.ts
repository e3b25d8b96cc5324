/**
 * Diagnostic beside a benchmark: every 3 s, the end offset of `docs.commands.v1` (what the gateways
 * published), the `docs` group's committed offset and lag, and the end offset of `docs.events.v1`,
 * until SAMPLE_SECONDS (200) have passed. Run it in the same `up.mjs` environment as the benchmark:
 *
 *   node scripts/infra/up.mjs --only kafka,mongo,redis -- bash -c \
 *     'node -r ./scripts/register.js bench/support/kafka-offsets-sampler.ts & node -r ./scripts/register.js bench/docs-fanout.ts; kill %1'
 */
import { TOPICS } from '@tandem/contracts';
import { Kafka, logLevel } from 'kafkajs';

const brokers = process.env.KAFKA_BROKERS?.split(',');
if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this under scripts/infra/up.mjs, or point it at a broker');
const end = Date.now() + Number(process.env.SAMPLE_SECONDS ?? 200) * 1000;
const admin = new Kafka({ clientId: 'offsets-sampler', brokers, logLevel: logLevel.NOTHING }).admin();
const sum = (values: Array<string | number>) => values.reduce<number>((n, v) => n + Math.max(0, Number(v)), 0);

async function main(): Promise<void> {
  await admin.connect();
  try {
    while (Date.now() < end) {
      try {
        const commands = sum((await admin.fetchTopicOffsets(TOPICS.docsCommands)).map((o) => o.high));
        const [group] = await admin.fetchOffsets({ groupId: 'docs', topics: [TOPICS.docsCommands] });
        const committed = sum(group?.partitions.map((p) => p.offset) ?? []);
        const events = sum((await admin.fetchTopicOffsets(TOPICS.docsEvents)).map((o) => o.high));
        process.stdout.write(`[offsets ${new Date().toISOString().slice(11, 19)}] ${TOPICS.docsCommands} end ${commands}, docs committed ${committed}, lag ${commands - committed}; ${TOPICS.docsEvents} end ${events}\n`);
      } catch (error) {
        process.stdout.write(`[offsets] ${error instanceof Error ? error.message : String(error)} (topics not created yet?)\n`);
      }
      await new Promise((r) => setTimeout(r, 3000));
    }
  } finally {
    await admin.disconnect();
  }
}

void main();
