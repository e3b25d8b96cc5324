import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import { CURRENT_SCHEMA, type RichTextDoc } from '../kinds';
import { listVersions } from '../history/versions';
import { restoreChange } from '../history/restore';
import { insertText } from '../richtext/richtext.ops';
import { Migration, assertWritable, migrate, schemaStatus } from './migrate';

describe('schema versions', () => {
  it('finds every new document current and leaves it alone', () => {
    const doc = createDoc('whiteboard');
    expect(schemaStatus(doc)).toEqual({ kind: 'whiteboard', schema: 1, current: 1, state: 'ok' });
    expect(migrate(doc)).toBe(doc);
  });

  it('reports a document from a newer Tandem clearly, as read-only', () => {
    const newer = A.change(createDoc('richtext'), (d) => {
      d.schema = 7;
    });
    expect(schemaStatus(newer).state).toBe('too-new');
    expect(() => assertWritable(newer)).toThrow(expect.objectContaining({ code: 'schema-too-new' }));
    expect(() => migrate(newer)).toThrow(/schema version 7, newer than this client understands \(1\); update Tandem/);
  });

  it('rejects documents without a schema', () => {
    const broken = A.from<Record<string, unknown>>({ kind: 'kanban' });
    expect(() => schemaStatus(broken)).toThrow(expect.objectContaining({ code: 'schema-invalid' }));
  });

  it('runs each step once, in order, as its own change, and raises the version', () => {
    type V3 = RichTextDoc & { lang?: string; spellcheck?: boolean };
    const steps: Migration[] = [
      { kind: 'richtext', from: 2, describe: 'spellcheck flag', apply: (d) => ((d as V3).spellcheck = true) },
      { kind: 'richtext', from: 1, describe: 'language', apply: (d) => ((d as V3).lang = 'en') },
    ];
    const current = { ...CURRENT_SCHEMA, richtext: 3 };
    const migrated = migrate(createDoc('richtext'), { migrations: steps, current }) as A.Doc<V3>;
    expect(migrated).toMatchObject({ schema: 3, lang: 'en', spellcheck: true });
    expect(listVersions(migrated).map((v) => v.type)).toEqual(['created', 'migration', 'migration']);
    expect(() => migrate(createDoc('richtext'), { migrations: [], current })).toThrow(/no migration for richtext schema 1 -> 2/);
  });

  it('restores a version from before a migration without downgrading the schema', () => {
    type V2 = RichTextDoc & { lang?: string };
    const steps: Migration[] = [{ kind: 'richtext', from: 1, describe: 'language', apply: (d) => ((d as V2).lang = 'en') }];
    const current = { ...CURRENT_SCHEMA, richtext: 2 };
    const v1doc = A.change(createDoc('richtext'), (d) => insertText(d, 0, 'old text'));
    const v1 = A.getHeads(v1doc);
    let doc = migrate(v1doc, { migrations: steps, current }) as A.Doc<V2>;
    doc = A.change(doc, (d) => insertText(d, 8, ', new text'));
    const restored = restoreChange(doc, v1, { userId: 'ann', migrations: steps, current });
    expect(A.toJS(restored)).toEqual({ kind: 'richtext', schema: 2, lang: 'en', text: 'old text' });
  });
});
