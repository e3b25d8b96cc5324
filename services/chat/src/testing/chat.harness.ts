import { ChatRequest, ChatResponses, TOPICS, TopicEvent, dmChannelId, validateEvent } from '@tandem/contracts';
import { Metrics, createLogger, loadConfig } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import type { z } from 'zod';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '../chat.access';
import { ChatClock } from '../chat.clock';
import { ChatMetrics } from '../chat.metrics';
import type { ChatPublisher, UserEvent } from '../chat.publisher';
import { ChannelsService } from '../commands/channels.service';
import { ChatCommandsService } from '../commands/chat-commands.service';
import { DmsService } from '../commands/dms.service';
import { MessagesService } from '../commands/messages.service';
import { ThreadsService } from '../commands/threads.service';
import { UnreadService } from '../commands/unread.service';
import { ChatQueriesService } from '../reads/chat-queries.service';
import { HistoryService } from '../reads/history.service';
import { SearchService } from '../reads/search.service';
import type { ChatStore, StoredChange } from '../store/chat-store.port';
import { FileChatStore } from '../store/file.chat-store';

type Commands = typeof TOPICS.chatCommands;
type Command = TopicEvent<Commands>;
export type Published = { type: string; data: Record<string, unknown> & { seq?: number } };

/** A `chat.commands.v1` event as the gateway publishes it; `commandId` defaults to a fresh one. */
export function command(tenant: string, type: Command['type'], data: Record<string, unknown>, userId = 'ann', workspaceRole: Actor['workspaceRole'] = 'member'): Command {
  return {
    id: randomUUID(),
    type,
    source: '/tests',
    specversion: '1.0',
    time: new Date().toISOString(),
    tenant,
    data: { commandId: randomUUID().replace(/-/g, ''), userId, workspaceRole, ...data },
  } as Command;
}

/**
 * The chat services wired by hand on the embedded store, with a publisher that records what it
 * would publish (the bus itself is covered by its own contract suite).
 */
export function chatHarness(store: ChatStore = new FileChatStore(mkdtempSync(join(tmpdir(), 'tandem-chat-spec-')))) {
  const published: Published[] = [];
  const publisher = {
    // Validates like the real bus does: an event the contract refuses fails the batch.
    publish: async (tenant: string, changes: readonly StoredChange[], userEvents: readonly UserEvent[] = []) => {
      const all = [...changes.map((c) => ({ type: c.event, data: c.data })), ...userEvents];
      for (const e of all) validateEvent(TOPICS.chatEvents, { id: randomUUID(), source: '/chat', specversion: '1.0', time: new Date().toISOString(), tenant, ...e });
      for (const e of all) published.push({ type: e.type, data: e.data as Published['data'] });
    },
  } as unknown as ChatPublisher;
  const metrics = new ChatMetrics(new Metrics('chat-spec'));
  const clock = new ChatClock();
  const unread = new UnreadService(store);
  const sut = new ChatCommandsService(
    store,
    createLogger({ name: 'chat-spec', level: 'silent' }),
    publisher,
    metrics,
    new ChannelsService(),
    new MessagesService(new DmsService(loadConfig({ CHAT_MAX_DM_SIZE: '4' }))),
    new ThreadsService(store),
    unread,
    clock,
  );
  const queries = new ChatQueriesService(store, unread, new HistoryService(store), new SearchService(store), metrics);
  const tenant = `t${randomUUID().slice(0, 8)}`;
  return {
    sut,
    store,
    queries,
    clock,
    published,
    tenant,
    /** Applies commands as one consumed batch, validated (defaults filled in) as the bus does on consume. */
    run: (...commands: Command[]) => sut.apply(commands.map((c) => validateEvent(TOPICS.chatCommands, c))),
    cmd: (type: Command['type'], data: Record<string, unknown>, userId = 'ann', role: Actor['workspaceRole'] = 'member') => command(tenant, type, data, userId, role),
    read: <R extends z.input<typeof ChatRequest>>(userId: string, request: R, role: Actor['workspaceRole'] = 'member') =>
      queries.handle(tenant, { userId, workspaceRole: role }, ChatRequest.parse(request) as Exclude<ChatRequest, { type: 'chat.unsubscribe' }>) as Promise<ChatResponses[R['type']]>,
    ofType: (type: string) => published.filter((p) => p.type === type),
    rejections: () => published.filter((p) => p.type === 'tandem.chat.command.rejected').map((p) => p.data.code),
    dm: (...participants: string[]) => dmChannelId(participants),
  };
}
