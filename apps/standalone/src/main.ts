import { loadConfig } from '@tandem/platform';
import { join } from 'node:path';
import { startStandalone } from './standalone';

let config;
try {
  config = loadConfig();
} catch (error) {
  process.stderr.write(`tandem: ${(error as Error).message}\n`);
  process.exit(1);
}
startStandalone(config, join(__dirname, '..', '..', 'web', 'dist')).then(
  (app) => {
    const port = (app.getHttpServer().address() as { port: number }).port;
    process.stdout.write(`\nTandem is running: http://localhost:${port}  (data in ${config.DATA_DIR}; Ctrl+C to stop)\n\n`);
  },
  () => process.exit(1),
);
