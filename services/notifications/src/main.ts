import { PlatformModule, runService } from '@tandem/platform';

// Not built yet: starts, joins the platform (event bus, health, metrics) and reports healthy.
runService('notifications', (config) => [PlatformModule.forRoot({ service: 'notifications', config })]);
