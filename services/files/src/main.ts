import { PlatformModule, runService } from '@tandem/platform';

// Not built yet: starts, joins the platform (event bus, health, metrics) and reports healthy.
runService('files', (config) => [PlatformModule.forRoot({ service: 'files', config, objectStore: true })]);
