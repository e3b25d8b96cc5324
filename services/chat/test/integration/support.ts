import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ChatRequest, ChatResponses, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, PlatformModule, connectMongo, loadConfig } from '@tandem/platform';
import { eventually, requireEnv, uniqueId } from '@tandem/platform/testing';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChatClock } from '../../src/chat.clock';
import { ChatModule } from '../../src/chat.module';
import { command } from '../../src/testing/chat.harness';

type ChatEvent = TopicEvent<typeof TOPICS.chatEvents>;
const TOKEN = 'internal-token-for-tests';

/** A clock the test can pin (to give many messages one timestamp). */
export class PinnedClock extends ChatClock {
  pinned: Date | null = null;
  override now(): Date {
    return this.pinned ?? new Date();
  }
}

/** The chat service on real Kafka and FerretDB, with a recorder of everything it publishes. */
export async function startChat() {
  // A database of its own: on FerretDB every range query scans its collection, so earlier runs' data would slow this one.
  const database = uniqueId('tandem_chat_it_');
  const mongoUrl = new URL(requireEnv('MONGO_URL'));
  mongoUrl.pathname = `/${database}`;
  const config = loadConfig({ KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: mongoUrl.toString(), DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-chat-')), LOG_LEVEL: process.env.CHAT_TEST_LOG ?? 'silent', INTERNAL_TOKEN: TOKEN });
  @Module({ imports: [PlatformModule.forRoot({ service: 'chat', config }), ChatModule.forRoot(config)] })
  class App {}
  const clock = new PinnedClock();
  const moduleRef = await Test.createTestingModule({ imports: [App] }).overrideProvider(ChatClock).useValue(clock).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const bus = app.get<EventBus>(EVENT_BUS);
  const events: ChatEvent[] = [];
  const recorder = await bus.subscribe({
    groupId: uniqueId('chat-recorder-'),
    topics: [TOPICS.chatEvents],
    handleBatch: async ({ records }) => {
      for (const { event } of records) events.push(event);
    },
  });
  const query = async <R extends ChatRequest['type']>(tenant: string, userId: string, request: Extract<ChatRequest, { type: R }> | Record<string, unknown>): Promise<ChatResponses[R]> => {
    const res = await fetch(`${url}/internal/chat/${tenant}/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, workspaceRole: 'member', request }),
    });
    const body = await res.json();
    if (!res.ok) throw Object.assign(new Error(`query answered ${res.status}: ${JSON.stringify(body)}`), { status: res.status, body });
    return body as ChatResponses[R];
  };
  /** Publishes chat commands as the gateway does, keyed by channel. */
  const send = async (tenant: string, commands: Array<{ type: Parameters<typeof command>[1]; data: Record<string, unknown>; userId?: string }>) => {
    const records = commands.map((c) => ({ key: aggregateKey(tenant, c.data.channelId as string), event: command(tenant, c.type, c.data, c.userId ?? 'ann') }));
    await bus.publish(TOPICS.chatCommands, records);
    return records.map((r) => r.event);
  };
  /** Waits until the service has published the channel's change `seq` (watching its events, not querying its store). */
  const reach = async (tenant: string, channelId: string, seq: number, timeoutMs = 60_000) =>
    eventually(() => expect(events.some((e) => e.tenant === tenant && 'seq' in e.data && e.data.seq === seq && 'channel' in e.data && e.data.channel.channelId === channelId)).toBe(true), timeoutMs, 100);
  return {
    app,
    bus,
    url,
    clock,
    query,
    send,
    reach,
    events,
    eventsOf: (tenant: string, type?: string) => events.filter((e) => e.tenant === tenant && (!type || e.type === type)),
    close: async () => {
      await recorder.close();
      await app.close();
      const connection = await connectMongo(requireEnv('MONGO_URL'), database);
      await connection.dropDatabase();
      await connection.close();
    },
  };
}
