// Tracing is set up by this test (an in-memory exporter), not by each process's NodeSDK.
process.env.OTEL_SDK_DISABLED = 'true';

import { INestApplication, Module } from '@nestjs/common';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { SpanKind } from '@opentelemetry/api';
import { Config, PlatformModule, bootstrap, loadConfig, signToken } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { TandemClient } from '@tandem/sdk';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DocsModule } from '../services/docs/src/docs.module';
import { GatewayModule } from '../services/gateway/src/gateway.module';

/**
 * One trace follows a client command across both Kafka hops: socket command (gateway) → publish
 * to docs.commands.v1 → docs consumer → document store → publish to docs.events.v1 → the gateway's
 * consumer → the emit to the room. The gateway and the docs service run as two Nest applications in
 * this process (so one in-memory exporter sees both), on real Kafka, FerretDB and Redis; the trace
 * context crosses Kafka only in the records' `traceparent` header, as between processes.
 */
describe('a trace across the Kafka hops', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const jwtSecret = randomBytes(32).toString('hex');
  const dataDir = mkdtempSync(join(tmpdir(), 'tandem-trace-'));
  const apps: INestApplication[] = [];
  let gatewayUrl: string;
  let client: TandemClient | undefined;

  const urlOf = (app: INestApplication) => `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

  beforeAll(async () => {
    const config: Config = loadConfig({
      ...process.env,
      KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'),
      MONGO_URL: requireEnv('MONGO_URL'),
      REDIS_URL: requireEnv('REDIS_URL'),
      JWT_SECRET: jwtSecret,
      INTERNAL_TOKEN: randomBytes(24).toString('hex'),
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    @Module({ imports: [PlatformModule.forRoot({ service: 'docs', config, objectStore: true }), DocsModule.forRoot(config)] })
    class DocsApp {}
    const docs = await bootstrap('docs', DocsApp, config);
    apps.push(docs);
    const docsUrl = urlOf(docs);
    @Module({
      imports: [
        PlatformModule.forRoot({ service: 'gateway', config }),
        GatewayModule.forRoot({ config, devSignIn: false, docsUrl: () => docsUrl, presenceUrl: () => docsUrl, webRoot: join(dataDir, 'no-web') }),
      ],
    })
    class GatewayApp {}
    const gateway = await bootstrap('gateway', GatewayApp, config);
    apps.push(gateway);
    gatewayUrl = urlOf(gateway);
  });

  afterAll(async () => {
    client?.close();
    for (const app of apps.reverse()) await app.close();
    await provider.shutdown();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('links socket command → gateway → Kafka → docs → store → Kafka → gateway → socket emit as parent and child spans', async () => {
    const tenant = uniqueId('tenant');
    const token = await signToken(jwtSecret, { sub: 'ann', tenant });
    client = new TandemClient({ url: gatewayUrl, getToken: () => token });
    const counter = await client.counter('traced');
    // Let the join's own traffic (ACL, presence) settle, then trace one command alone.
    await new Promise((r) => setTimeout(r, 1_000));
    exporter.reset();
    await counter.increment(1);
    await eventually(() => expect(counter.value).toBe(1), 30_000);

    const spans = () => exporter.getFinishedSpans();
    const find = (name: string, kind: SpanKind, parent?: ReadableSpan) =>
      spans().find((s) => s.name === name && s.kind === kind && (!parent || (s.spanContext().traceId === parent.spanContext().traceId && s.parentSpanContext?.spanId === parent.spanContext().spanId)));
    const describeSpans = () => spans().map((s) => `${s.name} ${s.spanContext().traceId.slice(0, 8)}/${s.spanContext().spanId.slice(0, 8)} ← ${s.parentSpanContext?.spanId.slice(0, 8) ?? 'root'}`).join('\n');

    let chain: ReadableSpan[] = [];
    await eventually(() => {
      const command = find('socket command doc.counter.increment', SpanKind.SERVER);
      expect(command).toBeDefined();
      expect(command!.parentSpanContext).toBeUndefined(); // the root of the trace
      const publishCommand = find('docs.commands.v1 publish', SpanKind.PRODUCER, command);
      const consume = find('docs.commands.v1 process', SpanKind.CONSUMER, publishCommand);
      const store = find('docs.appendChange', SpanKind.CLIENT, consume);
      const publishEvent = find('docs.events.v1 publish', SpanKind.PRODUCER, consume);
      const gatewayConsume = find('docs.events.v1 process', SpanKind.CONSUMER, publishEvent);
      const emit = find('socket emit doc.counter.changed', SpanKind.PRODUCER, gatewayConsume);
      chain = [command, publishCommand, consume, store, publishEvent, gatewayConsume, emit].filter((s): s is ReadableSpan => s !== undefined);
      if (chain.length !== 7) throw new Error(`incomplete chain (${chain.map((s) => s.name).join(' → ')}); spans:\n${describeSpans()}`);
    }, 15_000, 100);

    const [command, , consume, , , gatewayConsume] = chain;
    expect(new Set(chain.map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(consume.attributes['messaging.consumer.group.name']).toBe('docs');
    expect(String(gatewayConsume.attributes['messaging.consumer.group.name'])).toMatch(/^gateway-docs-/);
    expect(command.attributes['tandem.tenant']).toBe(tenant);
    // The document store read and write both belong to the consumer's span.
    expect(spans().filter((s) => s.name.startsWith('docs.') && s.kind === SpanKind.CLIENT && s.parentSpanContext?.spanId === consume.spanContext().spanId).length).toBeGreaterThanOrEqual(1);
    // Every span ends after its children started: durations are consistent along the chain.
    for (let i = 1; i < chain.length; i++) expect(hrToMs(chain[i].startTime)).toBeGreaterThanOrEqual(hrToMs(chain[i - 1].startTime));
    console.log(`trace ${command.spanContext().traceId}:\n${chain.map((s) => `  ${s.name} (${SpanKind[s.kind]}, ${hrToMs(s.duration).toFixed(1)} ms)`).join('\n')}`);
  });
});

function hrToMs([s, ns]: [number, number]): number {
  return s * 1000 + ns / 1e6;
}
