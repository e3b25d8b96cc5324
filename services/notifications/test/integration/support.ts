import { INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AclState, ChatMessage, CloudEvent, TOPICS, TopicEvent, TopicName, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, PlatformModule, loadConfig } from '@tandem/platform';
import { requireEnv, uniqueId } from '@tandem/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NotificationsModule } from '../../src/notifications.module';

type Created = Extract<TopicEvent<typeof TOPICS.notificationsEvents>, { type: 'tandem.notifications.created' }>;

/** The notifications service on real Kafka and FerretDB, with a recorder of what it publishes. */
export async function startService() {
  const config = loadConfig({ KAFKA_BROKERS: requireEnv('KAFKA_BROKERS'), MONGO_URL: requireEnv('MONGO_URL'), DATA_DIR: mkdtempSync(join(tmpdir(), 'tandem-ntf-')), LOG_LEVEL: 'silent', INTERNAL_TOKEN: 'internal-token-for-tests' });
  @Module({ imports: [PlatformModule.forRoot({ service: 'notifications', config }), NotificationsModule.forRoot(config)] })
  class App {}
  const moduleRef = await Test.createTestingModule({ imports: [App] }).compile();
  const app: INestApplication = moduleRef.createNestApplication({ logger: false });
  app.enableShutdownHooks();
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const bus = app.get<EventBus>(EVENT_BUS);
  const published: Created[] = [];
  const recorder = await bus.subscribe({
    groupId: uniqueId('ntf-recorder-'),
    topics: [TOPICS.notificationsEvents],
    handleBatch: async ({ records }) => {
      for (const { event } of records) if (event.type === 'tandem.notifications.created') published.push(event as Created);
    },
  });
  const query = async (tenant: string, userId: string, request: Record<string, unknown>) => {
    const res = await fetch(`${url}/internal/notifications/${tenant}/query`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer internal-token-for-tests' }, body: JSON.stringify({ userId, request }) });
    if (!res.ok) throw new Error(`query answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  /** Every notification of a user's inbox, oldest first. */
  const inbox = async (tenant: string, userId: string) => (await query(tenant, userId, { type: 'notifications.since', sinceSeq: 0, limit: 1000 })).notifications as Array<Record<string, unknown>>;
  const publishedFor = (tenant: string) => published.filter((e) => e.tenant === tenant).map((e) => [e.data.userId, e.data.notification.type] as const);
  return {
    app,
    bus,
    url,
    query,
    inbox,
    published,
    publishedFor,
    publish: <T extends TopicName>(topic: T, key: string, event: CloudEvent) => bus.publish(topic, [{ key, event: event as TopicEvent<T> }]),
    close: async () => {
      await recorder.close();
      await app.close();
    },
  };
}

export function event<T>(tenant: string, type: string, data: T, id: string = randomUUID()): CloudEvent<string, T> {
  return { id, type, source: '/tests', specversion: '1.0', time: new Date().toISOString(), tenant, data };
}

export function chatMessage(overrides: Partial<ChatMessage> = {}): ChatMessage {
  return {
    messageId: uniqueId('m'),
    channelId: 'general',
    seq: 1,
    version: 1,
    authorId: 'ann',
    text: 'hello',
    createdAt: new Date().toISOString(),
    editedAt: null,
    deleted: false,
    threadRootId: null,
    alsoToChannel: false,
    attachments: [],
    mentions: { userIds: [], channel: false, here: false },
    reactions: [],
    pinned: false,
    thread: null,
    ...overrides,
  };
}

/** A `tandem.chat.message.posted` as the chat service publishes it. */
export function posted(tenant: string, message: ChatMessage, opts: { kind?: 'public' | 'private' | 'dm'; memberIds?: string[] | null; threadFollowerIds?: string[] | null; id?: string } = {}) {
  return event(
    tenant,
    'tandem.chat.message.posted',
    {
      channel: { channelId: message.channelId, kind: opts.kind ?? 'public', name: message.channelId },
      seq: message.seq,
      actorId: message.authorId,
      commandId: `cmd-${message.messageId}`.slice(0, 64),
      message,
      excerpt: message.text,
      root: null,
      memberIds: opts.memberIds ?? null,
      threadFollowerIds: opts.threadFollowerIds ?? null,
    },
    opts.id,
  );
}

export const chatKey = (tenant: string, channelId: string) => aggregateKey(tenant, channelId);

export function acl(docId: string, version: number, grants: AclState['grants'], workspaceAccess: AclState['workspaceAccess'] = 'none'): AclState {
  return { resource: { kind: 'doc', id: docId }, version, workspaceAccess, grants, links: [] };
}
