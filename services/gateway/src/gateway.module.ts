import { DynamicModule, Module } from '@nestjs/common';
import { AuthService } from './auth/auth.service';
import { DevSignInController } from './auth/dev-sign-in.controller';
import { DocsReadRepository } from './docs/docs-read.repository';
import { DocsEventsConsumer } from './events/docs-events.consumer';
import { RoomEmitterRepository } from './events/room-emitter.repository';
import { GATEWAY_OPTIONS, GatewayOptions } from './gateway.options';
import { CollabGateway } from './socket/collab.gateway';
import { CollabService } from './socket/collab.service';
import { WebAssets } from './web/web-assets';

/** The gateway: sockets, rooms, commands into Kafka and events out to rooms. No domain state. */
@Module({})
export class GatewayModule {
  static forRoot(options: GatewayOptions): DynamicModule {
    return {
      module: GatewayModule,
      controllers: options.devSignIn ? [DevSignInController] : [],
      providers: [
        { provide: GATEWAY_OPTIONS, useValue: options },
        AuthService,
        DocsReadRepository,
        RoomEmitterRepository,
        CollabService,
        CollabGateway,
        DocsEventsConsumer,
        WebAssets,
      ],
    };
  }
}
