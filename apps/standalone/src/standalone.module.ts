import { DynamicModule, Module } from '@nestjs/common';
import { Config, PlatformModule } from '@tandem/platform';
import { ChatModule } from '../../../services/chat/src/chat.module';
import { DocsModule } from '../../../services/docs/src/docs.module';
import { GatewayModule } from '../../../services/gateway/src/gateway.module';
import { NotificationsModule } from '../../../services/notifications/src/notifications.module';
import { PresenceModule } from '../../../services/presence/src/presence.module';
import { FilesModule } from '../../../services/files/src/files.module';
import { StatsModule } from '../../../services/stats/src/stats.module';

export interface StandaloneOptions {
  config: Config;
  /** The embedded mode's HS256 secret when `JWT_SECRET` is unset. */
  jwtSecret: string;
  /** This process's own base URL (the gateway reads documents from the docs module over it). */
  selfUrl: () => string;
  webRoot?: string;
  /** The URL browsers reach this process at (presigned links of the embedded object store). */
  publicUrl?: () => string;
}

/** Gateway and every service in one Nest application sharing one embedded event bus. */
@Module({})
export class StandaloneModule {
  static forRoot(options: StandaloneOptions): DynamicModule {
    const { config } = options;
    return {
      module: StandaloneModule,
      imports: [
        PlatformModule.forRoot({ service: 'tandem', config, objectStore: true, presenceStore: true, objectStorePublicUrl: options.publicUrl }),
        DocsModule.forRoot(config),
        PresenceModule.forRoot(config),
        FilesModule.forRoot(config),
        NotificationsModule.forRoot(config),
        ChatModule.forRoot(config),
        StatsModule.forRoot(config),
        GatewayModule.forRoot({ config, devSignIn: true, jwtSecret: options.jwtSecret, docsUrl: () => config.DOCS_URL ?? options.selfUrl(), presenceUrl: () => config.PRESENCE_URL ?? options.selfUrl(), chatUrl: () => config.CHAT_URL ?? options.selfUrl(), filesUrl: () => config.FILES_URL ?? options.selfUrl(), statsUrl: () => config.STATS_URL ?? options.selfUrl(), notificationsUrl: () => config.NOTIFICATIONS_URL ?? options.selfUrl(), webRoot: options.webRoot }),
      ],
    };
  }
}
