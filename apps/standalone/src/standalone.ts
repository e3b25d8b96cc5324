import type { INestApplication } from '@nestjs/common';
import { Config, LocalObjectStore, OBJECT_STORE, ObjectStore, bootstrap } from '@tandem/platform';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { StandaloneModule } from './standalone.module';

/** The embedded mode's token secret: generated once and kept in DATA_DIR so sessions survive restarts. */
export function embeddedJwtSecret(dataDir: string): string {
  const file = join(resolve(dataDir), 'dev-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(resolve(dataDir), { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

/** Starts the whole platform in this process. */
export async function startStandalone(given: Config, webRoot?: string): Promise<INestApplication> {
  // The internal reads go over this process's own port, which browsers reach too: lock them.
  const config: Config = { ...given, INTERNAL_TOKEN: given.INTERNAL_TOKEN ?? randomBytes(24).toString('hex') };
  let app: INestApplication | undefined;
  const selfUrl = () => {
    const address = app?.getHttpServer().address() as AddressInfo | null;
    if (!address) throw new Error('the server is not listening yet');
    return `http://127.0.0.1:${address.port}`;
  };
  const jwtSecret = config.JWT_SECRET ?? embeddedJwtSecret(config.DATA_DIR);
  const publicUrl = () => config.PUBLIC_URL ?? `http://localhost:${(app?.getHttpServer().address() as AddressInfo | null)?.port ?? config.PORT}`;
  app = await bootstrap('tandem', StandaloneModule.forRoot({ config, jwtSecret, selfUrl, webRoot, publicUrl }) as never, config, (nest) => {
    const store = nest.get<ObjectStore>(OBJECT_STORE);
    // The embedded object store serves its presigned URLs from this same port.
    if (store instanceof LocalObjectStore) {
      (nest as NestExpressApplication).use((req: never, res: never, next: () => void) => {
        void store.handle(req, res).then((handled) => handled || next(), next);
      });
    }
  });
  return app;
}
