import { richtext } from '@tandem/documents';
import { eventually, uniqueId } from '@tandem/platform/testing';
import { DocsPlatform } from './support/docs-platform';

/**
 * Collaborative documents through the whole path: SDK → Socket.IO gateway (relay to the room) →
 * docs.commands.v1 → docs service (batched merge, change log in FerretDB) → docs.events.v1 →
 * gateways → SDK, on real Kafka, FerretDB, Redis and MinIO.
 */
describe('collaborative documents on real Kafka, FerretDB, Redis and MinIO', () => {
  const platform = new DocsPlatform();

  beforeAll(() => platform.start());
  afterEach(() => platform.closeClients());
  afterAll(() => platform.stop());

  it('relays rich-text edits between clients on two gateways, makes them durable, and a fresh client loads the same text', async () => {
    const tenant = uniqueId('tenant');
    const [ann, bob] = [await platform.client(tenant, 'ann', { gateway: 0 }), await platform.client(tenant, 'bob', { gateway: 1 })];
    const a = await ann.documents.open('notes', 'richtext');
    const b = await bob.documents.open('notes', 'richtext');
    a.change((d) => richtext.insertText(d, 0, 'Hello'));
    await eventually(() => expect(richtext.plainText(b.doc)).toBe('Hello'), 10_000, 20);
    b.change((d) => richtext.insertText(d, 5, ' world'));
    a.change((d) => richtext.addMark(d, { start: 0, end: 5 }, 'bold'));
    await Promise.all([a.whenDurable(), b.whenDurable()]);
    await eventually(() => expect(richtext.plainText(a.doc)).toBe('Hello world'), 10_000, 20);
    await eventually(() => expect(richtext.blocks(b.doc)).toEqual(richtext.blocks(a.doc)), 10_000, 20);
    const fresh = await platform.freshCopy(tenant, 'notes', 'richtext');
    expect(richtext.plainText(fresh.doc)).toBe('Hello world');
    expect(richtext.marksAt(fresh.doc, 2)).toMatchObject({ bold: true });
  });
});
