import { DynamicModule, Inject, Module, OnApplicationShutdown, Provider } from '@nestjs/common';
import { Config, Readiness, connectMongo } from '@tandem/platform';
import { join, resolve } from 'node:path';
import { InboxService } from './inbox.service';
import { NotificationsController } from './notifications.controller';
import { NotificationMetrics } from './notifications.metrics';
import { NotifyService } from './notify.service';
import { SourceEventsConsumer } from './source-events.consumer';
import { SourcesService } from './sources.service';
import { FileNotificationStore } from './store/file.notification-store';
import { MongoNotificationStore } from './store/mongo.notification-store';
import { NOTIFICATION_STORE, NotificationStore } from './store/notification-store.port';
import { WebhookRepository } from './webhook/webhook.repository';

/** Picks the store: MongoDB when `MONGO_URL` is set, files under `DATA_DIR` otherwise. */
export async function createNotificationStore(config: Config): Promise<NotificationStore> {
  if (config.MONGO_URL) {
    const store = new MongoNotificationStore(await connectMongo(config.MONGO_URL, 'tandem_notifications'));
    await store.init();
    return store;
  }
  return new FileNotificationStore(join(resolve(config.DATA_DIR), 'notifications'));
}

class NotificationStoreLifecycle implements OnApplicationShutdown {
  constructor(@Inject(NOTIFICATION_STORE) private readonly store: NotificationStore) {}
  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}

/** The notifications service: source events in, per-user inboxes, `notifications.events.v1` out. */
@Module({})
export class NotificationsModule {
  static forRoot(config: Config): DynamicModule {
    const store: Provider = {
      provide: NOTIFICATION_STORE,
      inject: [Readiness],
      useFactory: async (readiness: Readiness) => {
        const s = await createNotificationStore(config);
        readiness.add('notification-store', () => s.checkReady());
        return s;
      },
    };
    return {
      module: NotificationsModule,
      controllers: [NotificationsController],
      providers: [store, NotificationStoreLifecycle, NotificationMetrics, WebhookRepository, NotifyService, InboxService, SourcesService, SourceEventsConsumer],
    };
  }
}
