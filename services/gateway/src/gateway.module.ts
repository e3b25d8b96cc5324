import { DynamicModule, Module } from '@nestjs/common';
import { AccessService, SHARE_LINKS } from './access/access.service';
import { AclCache } from './access/acl-cache';
import { AclConsumer } from './access/acl.consumer';
import { AclRepository } from './access/acl.repository';
import { ShareLinks } from './access/share-link';
import { AclAdminController } from './admin/acl-admin.controller';
import { AclAdminService } from './admin/acl-admin.service';
import { HttpAuthGuard } from './admin/http-auth.guard';
import { AuthService } from './auth/auth.service';
import { ChatAccessCache } from './chat/chat-access.cache';
import { ChatEventsConsumer } from './chat/chat-events.consumer';
import { ChatReadRepository } from './chat/chat-read.repository';
import { ChatController } from './chat/chat.controller';
import { GatewayChatService } from './chat/chat.service';
import { LimitsService } from './limits/limits.service';
import { NotificationsEventsConsumer } from './notifications/notifications-events.consumer';
import { NotificationsReadRepository } from './notifications/notifications-read.repository';
import { NotificationsController } from './notifications/notifications.controller';
import { GatewayNotificationsService } from './notifications/notifications.service';
import { SessionService } from './session/session.service';
import { CursorRelay } from './presence/cursor-relay';
import { PresenceEventsConsumer } from './presence/presence-events.consumer';
import { PresenceReadRepository } from './presence/presence-read.repository';
import { PresenceReporter } from './presence/presence-reporter';
import { GatewayPresenceService } from './presence/presence.service';
import { MessageLog } from './message-log/message-log';
import { DevSignInController } from './auth/dev-sign-in.controller';
import { DocsReadRepository } from './docs/docs-read.repository';
import { DocsHttpController } from './docs/docs.controller';
import { GatewayDocsService } from './docs/docs.service';
import { DocsEventsConsumer } from './events/docs-events.consumer';
import { RoomEmitterRepository } from './events/room-emitter.repository';
import { GATEWAY_OPTIONS, GatewayOptions } from './gateway.options';
import { StatsEventsConsumer } from './stats/stats-events.consumer';
import { StatsReadRepository } from './stats/stats-read.repository';
import { StatsHttpController } from './stats/stats.controller';
import { CollabGateway } from './socket/collab.gateway';
import { CollabService } from './socket/collab.service';
import { WebAssets } from './web/web-assets';
import { CHAT_ACCESS, ChatServiceAccess, WorkspaceChatAccess } from './files/chat-access';
import { FilesAccessService } from './files/files-access.service';
import { FilesController } from './files/files.controller';
import { FilesEventsConsumer } from './files/files-events.consumer';
import { FilesRepository } from './files/files.repository';

/** The secret that signs share links: LINK_SECRET, else the HS256 token secret. */
function linkSecretOf(options: GatewayOptions): string {
  const secret = options.config.LINK_SECRET ?? options.config.JWT_SECRET ?? options.jwtSecret;
  if (secret) return secret;
  if (!options.config.JWKS_URL) throw new Error('The gateway needs JWT_SECRET (HS256) or JWKS_URL to verify tokens; set one and start again.');
  throw new Error('share links need LINK_SECRET when tokens are verified with JWKS_URL; set it and start again.');
}

/** The gateway: sockets, rooms, commands into Kafka and events out to rooms. No domain state. */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: options.devSignIn ? [AclAdminController, ChatController, FilesController, DevSignInController, StatsHttpController, NotificationsController, DocsHttpController] : [AclAdminController, ChatController, FilesController, StatsHttpController, NotificationsController, DocsHttpController],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        { provide: SHARE_LINKS, useValue: new ShareLinks(linkSecretOf(options)) },
        AuthService,
        SessionService,
        LimitsService,
        AclRepository,
        AclCache,
        AccessService,
        AclConsumer,
        AclAdminService,
        PresenceReporter,
        PresenceReadRepository,
        CursorRelay,
        GatewayPresenceService,
        PresenceEventsConsumer,
        HttpAuthGuard,
        DocsReadRepository,
        GatewayDocsService,
        RoomEmitterRepository,
        CollabService,
        CollabGateway,
        MessageLog,
        DocsEventsConsumer,
        ChatReadRepository,
        ChatAccessCache,
        GatewayChatService,
        ChatEventsConsumer,
        NotificationsReadRepository,
        GatewayNotificationsService,
        NotificationsEventsConsumer,
        WebAssets,
        { provide: CHAT_ACCESS, useClass: options.chatUrl || options.config.CHAT_URL ? ChatServiceAccess : WorkspaceChatAccess },
        FilesRepository,
        FilesAccessService,
        FilesEventsConsumer,
        StatsReadRepository,
        StatsEventsConsumer,
      ],
    };
  }
}
