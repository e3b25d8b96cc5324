import * as A from '@automerge/automerge';
import { joinChanges } from '@tandem/contracts';
import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { changeBytesProblem } from './change-check';

/** An Automerge chunk of `type` around `contents`, its checksum that of `checksummed` (default: this chunk's own type, length and contents). */
function chunk(type: number, contents: Uint8Array, checksummed?: Uint8Array): Uint8Array {
  const length: number[] = [];
  let n = contents.length;
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    length.push(b);
  } while (n);
  const hashed = checksummed ?? Buffer.concat([Buffer.from([type]), Buffer.from(length), contents]);
  const checksum = createHash('sha256').update(hashed).digest().subarray(0, 4);
  return new Uint8Array(Buffer.concat([Buffer.from([0x85, 0x6f, 0x4a, 0x83]), checksum, Buffer.from([type]), Buffer.from(length), contents]));
}

/** Contents of an uncompressed change chunk (after its header). */
const contentsOf = (change: Uint8Array) => {
  let p = 9;
  while (change[p] & 0x80) p++;
  return change.subarray(p + 1);
};

describe('changeBytesProblem (the gateway checks a change before relaying it)', () => {
  let doc = A.from({ text: 'hello' });
  const changes: Uint8Array[] = [];
  for (const insert of ['a', 'b'.repeat(300), 'c'.repeat(20_000)]) {
    doc = A.change(doc, (d) => A.splice(d, ['text'], 0, 0, insert));
    changes.push(A.getLastLocalChange(doc)!);
  }

  it('passes changes as Automerge makes them, alone or concatenated, with one- to three-byte lengths', () => {
    for (const c of changes) expect(changeBytesProblem(c)).toBeUndefined();
    expect(changeBytesProblem(joinChanges(changes))).toBeUndefined();
  });

  it('passes a compressed change whose checksum is its uncompressed form’s, as Automerge itself does (and Automerge applies it)', () => {
    const change = changes[1];
    const compressed = chunk(2, deflateRawSync(contentsOf(change)), change.subarray(8));
    expect(changeBytesProblem(compressed)).toBeUndefined();
    const [applied] = A.applyChanges(A.init<{ text: string }>(), [A.getAllChanges(doc)[0], changes[0], compressed]);
    expect(applied.text).toBe('b'.repeat(300) + 'ahello');
    expect(changeBytesProblem(chunk(2, deflateRawSync(Buffer.from('other contents')), change.subarray(8)))).toMatch(/checksum .* does not match/);
    expect(changeBytesProblem(chunk(2, Buffer.from([0xff, 0xff, 0xff])))).toMatch(/compressed change at byte 0 does not inflate/);
  });

  it('refuses a change altered in transit (one bit), saying which', () => {
    const altered = joinChanges([changes[0], changes[1]]).slice();
    altered[changes[0].length + 40] ^= 0x01;
    expect(changeBytesProblem(altered)).toBe(`the checksum of the change at byte ${changes[0].length} does not match its contents: the bytes were altered; send changes as Automerge makes them`);
  });

  it('refuses bytes that are not changes: garbage, a truncated change, a whole document, an unknown chunk type', () => {
    expect(changeBytesProblem(Buffer.from('not an Automerge change'))).toMatch(/no Automerge chunk at byte 0/);
    expect(changeBytesProblem(changes[2].subarray(0, changes[2].length - 1))).toMatch(/runs past the end/);
    expect(changeBytesProblem(changes[0].subarray(0, 6))).toMatch(/truncated chunk header at byte 0/);
    expect(changeBytesProblem(joinChanges([changes[0], A.save(doc)]))).toMatch(new RegExp(`chunk at byte ${changes[0].length} is a whole Automerge document`));
    expect(changeBytesProblem(chunk(7, Buffer.from('x')))).toMatch(/unknown type 7/);
  });

  it('leaves what the contents mean to the docs service: well-framed contents that Automerge cannot parse pass here', () => {
    const nonsense = chunk(1, Buffer.from('x'.repeat(50)));
    expect(changeBytesProblem(nonsense)).toBeUndefined();
    expect(() => A.decodeChange(nonsense)).toThrow(/unable to parse change/);
  });
});
