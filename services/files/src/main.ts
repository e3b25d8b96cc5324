import { PlatformModule, runService } from '@tandem/platform';
import { FilesModule } from './files.module';

runService('files', (config) => [PlatformModule.forRoot({ service: 'files', config, objectStore: true }), FilesModule.forRoot(config)]);
