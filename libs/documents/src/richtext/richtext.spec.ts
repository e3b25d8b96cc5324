import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import type { RichTextDoc } from '../kinds';
import { edit, mergeBoth, peer } from '../testing/converge';
import * as rt from './index';

function setup(text = ''): A.Doc<RichTextDoc> {
  const doc = createDoc('richtext');
  return text ? edit(doc, 'ann', (d) => rt.insertText(d, 0, text)) : doc;
}

describe('rich text', () => {
  it('inserts, deletes and replaces text at indices and at cursors', () => {
    let doc = setup('Hello world');
    doc = edit(doc, 'ann', (d) => rt.deleteText(d, 5, 6));
    doc = edit(doc, 'ann', (d) => rt.insertText(d, 5, ', Tandem'));
    const c = rt.cursorAt(doc, 7);
    doc = edit(doc, 'ann', (d) => rt.replaceText(d, { start: c, end: 13 }, 'team'));
    expect(doc.text).toBe('Hello, team');
    expect(rt.plainText(doc)).toBe('Hello, team');
  });

  it('makes paragraphs, headings and list items from Automerge blocks', () => {
    let doc = setup('TitleFirst paragraphItem one');
    doc = edit(doc, 'ann', (d) => {
      rt.setBlock(d, 0, rt.heading(1));
      rt.splitBlock(d, 6, rt.paragraph()); // after "\uFFFCTitle"
      rt.splitBlock(d, 22, rt.listItem(false));
    });
    const blocks = rt.blocks(doc);
    expect(blocks.map((b) => [b.block.type, b.block.attrs.level ?? null, b.runs.map((r) => r.text).join('')])).toEqual([
      ['heading', 1, 'Title'],
      ['paragraph', null, 'First paragraph'],
      ['unordered-list-item', null, 'Item one'],
    ]);
    expect(rt.plainText(doc)).toBe('Title\nFirst paragraph\nItem one');
    // Turn the paragraph into a second-level heading, then join the list item back into it.
    doc = edit(doc, 'ann', (d) => rt.setBlock(d, 10, rt.heading(2)));
    expect(rt.blocks(doc)[1].block).toEqual({ type: 'heading', parents: [], attrs: { level: 2 } });
    doc = edit(doc, 'ann', (d) => rt.joinBlock(d, rt.blockMarkerBefore(d, 23)!));
    expect(rt.plainText(doc)).toBe('Title\nFirst paragraphItem one');
    expect(() => edit(doc, 'ann', (d) => rt.joinBlock(d, 3))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    // Position 0, before the opening marker, is in the first block: no empty block is made.
    doc = edit(doc, 'ann', (d) => rt.setBlock(d, 0, rt.heading(3)));
    expect(rt.blocks(doc).map((b) => [b.block.type, b.block.attrs.level ?? null])).toEqual([['heading', 3], ['heading', 2]]);
  });

  it("renders a paragraph inside a list item (the ProseMirror binding's form) as that list item", () => {
    let doc = setup('OneTwo');
    doc = edit(doc, 'ann', (d) => {
      rt.setBlock(d, 0, { type: 'paragraph', parents: ['ordered-list-item'], attrs: {} });
      rt.splitBlock(d, 4, { type: 'paragraph', parents: ['unordered-list-item', 'unordered-list-item'], attrs: {} });
    });
    expect(rt.blocks(doc).map((b) => [b.block.type, b.block.parents, b.runs.map((r) => r.text).join('')])).toEqual([
      ['ordered-list-item', [], 'One'],
      ['unordered-list-item', ['unordered-list-item'], 'Two'],
    ]);
  });

  it('starts with an implicit paragraph: text with no markers renders as one', () => {
    const doc = setup('plain');
    expect(rt.blocks(doc)).toEqual([{ block: rt.paragraph(), marker: -1, start: 0, runs: [{ text: 'plain', marks: {} }] }]);
    expect(rt.blocks(createDoc('richtext'))).toHaveLength(1);
    expect(rt.blockMarkerBefore(doc, 3)).toBeNull();
  });

  it('formats with bold, italic, code and links, and removes formatting', () => {
    let doc = setup('bold italic code link');
    doc = edit(doc, 'ann', (d) => {
      rt.addMark(d, { start: 0, end: 4 }, 'bold');
      rt.addMark(d, { start: 5, end: 11 }, 'italic');
      rt.addMark(d, { start: 12, end: 16 }, 'code');
      rt.addMark(d, { start: 17, end: 21 }, 'link', 'https://example.com');
    });
    expect(rt.blocks(doc)[0].runs).toEqual([
      { text: 'bold', marks: { bold: true } },
      { text: ' ', marks: {} },
      { text: 'italic', marks: { italic: true } },
      { text: ' ', marks: {} },
      { text: 'code', marks: { code: true } },
      { text: ' ', marks: {} },
      { text: 'link', marks: { link: 'https://example.com' } },
    ]);
    doc = edit(doc, 'ann', (d) => rt.removeMark(d, { start: 0, end: 2 }, 'bold'));
    expect(rt.blocks(doc)[0].runs[0]).toEqual({ text: 'bo', marks: {} });
    expect(() => edit(doc, 'ann', (d) => rt.addMark(d, { start: 0, end: 1 }, 'link'))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('tells which marks cover a whole selection, for toolbar state', () => {
    const doc = edit(setup('abcdef'), 'ann', (d) => {
      rt.addMark(d, { start: 0, end: 4 }, 'bold');
      rt.addMark(d, { start: 2, end: 6 }, 'italic');
    });
    expect(rt.marksInRange(doc, 0, 4)).toEqual({ bold: true });
    expect(rt.marksInRange(doc, 2, 4)).toEqual({ bold: true, italic: true });
    expect(rt.marksInRange(doc, 1, 6)).toEqual({});
    expect(rt.marksInRange(doc, 3, 3)).toEqual({ bold: true, italic: true });
    let toggled = edit(doc, 'ann', (d) => expect(rt.toggleMark(d, { start: 1, end: 6 }, 'bold')).toBe(true));
    expect(rt.marksInRange(toggled, 0, 6)).toEqual({ bold: true });
    toggled = edit(toggled, 'ann', (d) => expect(rt.toggleMark(d, { start: 0, end: 3 }, 'bold')).toBe(false));
    expect(rt.marksInRange(toggled, 0, 3)).toEqual({});
    expect(rt.marksInRange(toggled, 3, 6)).toEqual({ bold: true, italic: true });
  });

  it('grows bold and italic when typing right after them, but not links or code', () => {
    let doc = setup('ab cd');
    doc = edit(doc, 'ann', (d) => {
      rt.addMark(d, { start: 0, end: 2 }, 'bold');
      rt.addMark(d, { start: 3, end: 5 }, 'link', 'https://x.test');
    });
    doc = edit(doc, 'ann', (d) => {
      rt.insertText(d, 5, 'E');
      rt.insertText(d, 2, 'B');
    });
    expect(rt.marksAt(doc, 2)).toEqual({ bold: true });
    expect(rt.marksAt(doc, 6)).toEqual({});
  });

  it('keeps cursors and selections on their characters across remote inserts and deletes', () => {
    const base = setup('The quick brown fox');
    const mine = peer(base);
    const sel = rt.selectionAt(mine, 4, 9); // "quick"
    const caret = rt.cursorAt(mine, 19); // end
    let theirs = peer(base);
    theirs = edit(theirs, 'bob', (d) => {
      rt.insertText(d, 0, 'Yes! ');
      rt.deleteText(d, 15, 6); // " brown"
    });
    const merged = A.merge(A.clone(mine), theirs);
    expect(merged.text).toBe('Yes! The quick fox');
    const r = rt.resolveSelection(merged, sel);
    expect(merged.text.slice(r.start, r.end)).toBe('quick');
    expect(r.collapsed).toBe(false);
    expect(rt.cursorPosition(merged, caret)).toBe(merged.text.length);
    // Typing at a cursor after a remote insert lands where the user's caret is.
    const typed = edit(merged, 'ann', (d) => rt.insertText(d, sel.head, ' and nimble'));
    expect(typed.text).toBe('Yes! The quick and nimble fox');
  });

  it('converges when two people type, format and split blocks concurrently', () => {
    const base = setup('one two three');
    let a = peer(base);
    let b = peer(base);
    a = edit(a, 'ann', (d) => {
      rt.insertText(d, 3, ' and a half');
      rt.addMark(d, { start: 0, end: 3 }, 'bold');
      rt.setBlock(d, 0, rt.heading(1));
    });
    b = edit(b, 'bob', (d) => {
      rt.deleteText(d, 4, 4);
      rt.splitBlock(d, 4, rt.listItem(true));
      rt.addMark(d, { start: 0, end: 8 }, 'italic');
    });
    const { ab, ba } = mergeBoth(a, b);
    expect(ab.text).toBe(ba.text);
    expect(rt.blocks(ab)).toEqual(rt.blocks(ba));
    expect(rt.plainText(ab)).toBe('one and a half \nthree');
    expect(rt.blocks(ab).map((x) => x.block.type)).toEqual(['heading', 'ordered-list-item']);
  });

  it('rejects malformed positions and blocks with a clear error', () => {
    const doc = setup('x');
    expect(() => edit(doc, 'a', (d) => rt.insertText(d, -1, 'y'))).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
    expect(() => edit(doc, 'a', (d) => rt.insertText(d, 'nonsense', 'y'))).toThrow(/take cursors from cursorAt/);
    expect(() => edit(doc, 'a', (d) => rt.splitBlock(d, 0, { type: 'table' as never, parents: [], attrs: {} }))).toThrow(/unknown block type/);
    expect(() => rt.heading(7)).toThrow(/1\.\.6/);
  });
});

describe('large pastes', () => {
  it('splits text into chunks of at most N UTF-8 bytes without breaking characters', () => {
    const text = 'a€😀'.repeat(1000) + 'é';
    for (const max of [4, 5, 7, 64, 1000]) {
      const chunks = rt.chunkText(text, max);
      expect(chunks.join('')).toBe(text);
      for (const c of chunks) {
        expect(Buffer.byteLength(c, 'utf8')).toBeLessThanOrEqual(max);
        expect(rt.utf8Length(c)).toBe(Buffer.byteLength(c, 'utf8'));
        expect(c.length).toBeGreaterThan(0);
        expect(/^[\uDC00-\uDFFF]/.test(c)).toBe(false);
      }
    }
    expect(rt.chunkText('', 10)).toEqual([]);
    expect(() => rt.chunkText('x', 3)).toThrow(expect.objectContaining({ code: 'invalid-argument' }));
  });

  it('pastes 1 MB as one change per chunk, contiguous even when someone types at the same place in between', () => {
    let doc = setup('[]');
    const paste = 'lorem ipsum dolor sit amet '.repeat(200_000).slice(0, 1024 * 1024);
    const steps = rt.pasteInChunks(1, paste, 64 * 1024);
    expect(steps).toHaveLength(16);
    const other = peer(doc);
    const sizes: number[] = [];
    steps.forEach((step, i) => {
      doc = A.change(doc, { message: JSON.stringify({ userId: 'ann' }) }, step);
      sizes.push(A.getLastLocalChange(doc)!.length);
      if (i === 3) {
        // Bob types right where the paste is going, while it is being sent.
        const remote = edit(A.merge(A.clone(other), doc), 'bob', (d) => rt.insertText(d, 1 + 4 * 64 * 1024, 'BOB'));
        doc = A.merge(doc, remote);
      }
    });
    expect(doc.text.includes(paste)).toBe(true);
    expect(doc.text.length).toBe(paste.length + 5);
    expect(doc.text.startsWith('[')).toBe(true);
    expect(doc.text.endsWith(']')).toBe(true);
    expect(Math.max(...sizes)).toBeLessThan(70 * 1024);
  });
});
