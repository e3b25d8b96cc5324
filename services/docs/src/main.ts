import { PlatformModule, runService } from '@tandem/platform';
import { DocsModule } from './docs.module';

runService('docs', (config) => [PlatformModule.forRoot({ service: 'docs', config, objectStore: true }), DocsModule.forRoot(config)]);
