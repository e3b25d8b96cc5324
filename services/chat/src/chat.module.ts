import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, Metrics, Readiness, connectMongo, timed } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { ChatCommandsConsumer } from './chat-commands.consumer';
import { ChatClock } from './chat.clock';
import { ChatController } from './chat.controller';
import { ChatMetrics } from './chat.metrics';
import { ChatPublisher } from './chat.publisher';
import { ChannelsService } from './commands/channels.service';
import { ChatCommandsService } from './commands/chat-commands.service';
import { DmsService } from './commands/dms.service';
import { MessagesService } from './commands/messages.service';
import { ThreadsService } from './commands/threads.service';
import { UnreadService } from './commands/unread.service';
import { ChatQueriesService } from './reads/chat-queries.service';
import { HistoryService } from './reads/history.service';
import { SearchService } from './reads/search.service';
import { CHAT_STORE, ChatStore } from './store/chat-store.port';
import { FileChatStore } from './store/file.chat-store';
import { MongoChatStore } from './store/mongo.chat-store';

/** Store operations timed into `tandem_store_seconds{operation="chat.*"}` and traced. */
export const CHAT_STORE_OPERATIONS = ['append', 'change', 'changesAfter', 'appliedCommands', 'publishedSeq', 'markPublished', 'apply', 'channel', 'channels', 'browse', 'member', 'roster', 'members', 'membershipsOf', 'message', 'messagesById', 'claimMessageIds', 'history', 'pins', 'edits', 'search', 'unread', 'readMarker', 'setReadMarker', 'setFollow', 'threadFollows', 'followedBy'] as const;

/**
 * Picks the store: MongoDB when `MONGO_URL` is set (the database named in its path, else
 * `tandem_chat`), files under `DATA_DIR` otherwise.
 */
export async function createChatStore(config: Config): Promise<ChatStore> {
  if (config.MONGO_URL) {
    const named = new URL(config.MONGO_URL).pathname.replace(/^\//, '');
    const store = new MongoChatStore(await connectMongo(config.MONGO_URL, named || 'tandem_chat'));
    await store.init();
    return store;
  }
  return new FileChatStore(join(resolve(config.DATA_DIR), 'chat'));
}

class ChatStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(CHAT_STORE) private readonly store: ChatStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The chat service: `chat.commands.v1` in, channels/messages/unread state stored, `chat.events.v1` out, reads over internal HTTP. */
@Module({})
export class ChatModule {
  static forRoot(config: Config): DynamicModule {
    const store: Provider = {
      provide: CHAT_STORE,
      inject: [Readiness, Metrics],
      useFactory: async (readiness: Readiness, metrics: Metrics) => {
        const s = await createChatStore(config);
        readiness.add('chat-store', () => s.checkReady());
        return timed(s, metrics.storeLatency, 'chat', CHAT_STORE_OPERATIONS);
      },
    };
    return {
      module: ChatModule,
      controllers: [ChatController],
      providers: [store, ChatStoreLifecycle, ChatClock, ChatMetrics, ChatPublisher, ChannelsService, DmsService, MessagesService, ThreadsService, UnreadService, ChatCommandsService, ChatCommandsConsumer, HistoryService, SearchService, ChatQueriesService],
    };
  }
}
