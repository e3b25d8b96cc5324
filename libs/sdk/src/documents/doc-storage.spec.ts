import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDocStorageContract } from './doc-storage.contract';
import { MemoryDocStorage } from './doc-storage';
import { FileDocStorage } from './file.doc-storage';

// IndexedDbDocStorage is checked in a real browser: e2e/web-app-offline.e2e.spec.ts.
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

runDocStorageContract(MemoryDocStorage.name, () => ({ sut: new MemoryDocStorage() }));
runDocStorageContract(FileDocStorage.name, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-doc-storage-'));
  dirs.push(dir);
  return { sut: new FileDocStorage(dir), reopen: () => new FileDocStorage(dir) };
});
