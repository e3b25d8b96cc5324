import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalObjectStore } from './local.object-store';
import { runObjectStoreContract } from './object-store.contract';

runObjectStoreContract('local directory', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'tandem-objects-'));
  let base = '';
  const store = new LocalObjectStore({ directory, publicUrl: () => base });
  const server = createServer((req, res) => {
    void store.handle(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    store,
    teardown: async () => {
      await new Promise((r) => server.close(r));
      rmSync(directory, { recursive: true, force: true });
    },
  };
});
