import { PlatformModule, runService } from '@tandem/platform';
import { join } from 'node:path';
import { GatewayModule } from './gateway.module';

runService(
  'gateway',
  (config) => [
    PlatformModule.forRoot({ service: 'gateway', config }),
    GatewayModule.forRoot({
      config,
      devSignIn: false,
      docsUrl: () => {
        if (!config.DOCS_URL) throw new Error('DOCS_URL is not set: point it at the docs service, e.g. http://docs:3000');
        return config.DOCS_URL;
      },
      presenceUrl: () => {
        if (!config.PRESENCE_URL) throw new Error('PRESENCE_URL is not set: point it at the presence service, e.g. http://presence:3000');
        return config.PRESENCE_URL;
      },
      filesUrl: () => {
        if (!config.FILES_URL) throw new Error('FILES_URL is not set: point it at the files service, e.g. http://files:3000');
        return config.FILES_URL;
      },
      webRoot: join(__dirname, '..', '..', '..', 'apps', 'web', 'dist'),
    }),
  ],
);
