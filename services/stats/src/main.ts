import { PlatformModule, runService } from '@tandem/platform';
import { StatsModule } from './stats.module';

runService('stats', (config) => [PlatformModule.forRoot({ service: 'stats', config }), StatsModule.forRoot(config)]);
