import { mkdtempSync, appendFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCollection } from './file-collection';

type Doc = { id: string; n: number; bytes?: Buffer };

describe(FileCollection.name, () => {
  let dir: string;
  const open = () => new FileCollection<Doc>(dir, 'things', (d) => d.id);
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'tandem-fc-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps documents, buffers included, across a reopen', () => {
    const sut = open();
    sut.insert({ id: 'a', n: 1, bytes: Buffer.from([1, 2, 3]) });
    sut.put({ id: 'b', n: 2 });
    sut.put({ id: 'b', n: 3 });
    sut.insert({ id: 'c', n: 4 });
    sut.delete('c');
    const reopened = open();
    expect(reopened.get('a')).toEqual({ id: 'a', n: 1, bytes: Buffer.from([1, 2, 3]) });
    expect(reopened.get('b')).toEqual({ id: 'b', n: 3 });
    expect(reopened.get('c')).toBeUndefined();
  });

  it('refuses a duplicate insert like a unique index', () => {
    const sut = open();
    expect(sut.insert({ id: 'a', n: 1 })).toBe(true);
    expect(sut.insert({ id: 'a', n: 2 })).toBe(false);
    expect(sut.get('a')!.n).toBe(1);
  });

  it('drops a torn last line left by a crash', () => {
    open().insert({ id: 'a', n: 1 });
    appendFileSync(join(dir, 'things.jsonl'), '{"op":"put","key":"b","doc":{"id":"b"');
    const reopened = open();
    expect(reopened.find(() => true)).toEqual([{ id: 'a', n: 1 }]);
    reopened.insert({ id: 'c', n: 3 });
    expect(open().get('c')).toEqual({ id: 'c', n: 3 });
  });
});
