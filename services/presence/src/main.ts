import { PlatformModule, runService } from '@tandem/platform';
import { PresenceModule } from './presence.module';

runService('presence', (config) => [PlatformModule.forRoot({ service: 'presence', config, presenceStore: true }), PresenceModule.forRoot(config)]);
