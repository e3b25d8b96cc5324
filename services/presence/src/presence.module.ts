import { DynamicModule, Module } from '@nestjs/common';
import { Config } from '@tandem/platform';
import { Clock } from './clock';
import { PresenceCommandsConsumer } from './presence-commands.consumer';
import { PresenceController } from './presence.controller';
import { PresenceExpiryService } from './presence-expiry.service';
import { PresenceMetrics } from './presence.metrics';
import { PresencePublisher } from './presence.publisher';
import { PresenceRepository } from './presence.repository';
import { PresenceService } from './presence.service';
import { PresenceSettings } from './presence.settings';
import { PresenceSweeper } from './presence.sweeper';
import { PresenceViews } from './presence.views';

/**
 * The presence service: who is online (per user, across devices), who is in a room, who is typing.
 * Needs the platform's presence store (`PlatformModule.forRoot({ presenceStore: true })`).
 */
@Module({})
export class PresenceModule {
  static forRoot(config: Config): DynamicModule {
    return {
      module: PresenceModule,
      controllers: [PresenceController],
      providers: [
        { provide: PresenceSettings, useValue: PresenceSettings.fromConfig(config) },
        Clock,
        PresenceRepository,
        PresenceMetrics,
        PresenceViews,
        PresencePublisher,
        PresenceService,
        PresenceExpiryService,
        PresenceSweeper,
        PresenceCommandsConsumer,
      ],
    };
  }
}
