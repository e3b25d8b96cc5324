import { PlatformModule, runService } from '@tandem/platform';
import { NotificationsModule } from './notifications.module';

runService('notifications', (config) => [PlatformModule.forRoot({ service: 'notifications', config }), NotificationsModule.forRoot(config)]);
