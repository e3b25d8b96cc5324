import { PlatformModule, runService } from '@tandem/platform';

// Not built yet: starts, joins the platform (event bus, health, metrics) and reports healthy.
runService('stats', (config) => [PlatformModule.forRoot({ service: 'stats', config })]);
