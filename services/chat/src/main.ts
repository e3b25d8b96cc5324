import { PlatformModule, runService } from '@tandem/platform';
import { ChatModule } from './chat.module';

runService('chat', (config) => [PlatformModule.forRoot({ service: 'chat', config }), ChatModule.forRoot(config)]);
