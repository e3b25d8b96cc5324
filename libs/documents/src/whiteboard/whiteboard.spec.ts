import * as A from '@automerge/automerge';
import { createDoc } from '../initial';
import type { Shape, WhiteboardDoc } from '../kinds';
import { edit, mergeBoth, peer } from '../testing/converge';
import * as wb from './index';

function setup(): A.Doc<WhiteboardDoc> {
  return edit(createDoc('whiteboard'), 'ann', (d) => {
    wb.addShape(d, { id: 'rect', type: 'rectangle', x: 10, y: 10, width: 100, height: 50 });
    wb.addShape(d, { id: 'note', type: 'sticky', x: 200, y: 10, width: 80, height: 80, text: 'Idea', style: { fill: '#ffeb3b' } });
    wb.addStroke(d, { id: 'ink', points: [0, 0, 5, 5, 10, 3], style: { color: '#f00', width: 3 } });
  });
}

const order = (doc: WhiteboardDoc) => wb.itemsInOrder(doc).map((i) => i.id);

describe('whiteboard', () => {
  it('adds strokes and every kind of shape, stacked in creation order', () => {
    let doc = setup();
    doc = edit(doc, 'ann', (d) => {
      for (const type of ['ellipse', 'line', 'arrow', 'text'] as const) wb.addShape(d, { id: type, type, x: 0, y: 0, width: 10, height: -10 });
      wb.appendPoints(d, 'ink', [12, 1]);
    });
    expect(order(doc)).toEqual(['rect', 'note', 'ink', 'ellipse', 'line', 'arrow', 'text']);
    const ink = doc.items.ink;
    expect(ink.type === 'stroke' && [...ink.points]).toEqual([0, 0, 5, 5, 10, 3, 12, 1]);
    expect(doc.items.note.style).toEqual({ color: '#1e1e1e', fill: '#ffeb3b', width: 2, opacity: 1 });
    expect((doc.items.note as Shape).text).toBe('Idea');
  });

  it('moves, resizes, rotates, restyles and edits text', () => {
    let doc = setup();
    doc = edit(doc, 'ann', (d) => {
      wb.moveItem(d, 'rect', 50, 60);
      wb.resizeItem(d, 'rect', { width: 120, height: 70 });
      wb.rotateItem(d, 'rect', 45);
      wb.restyleItem(d, 'rect', { fill: '#00f', width: 4 });
      wb.resizeItem(d, 'ink', { x: 1, y: 2, width: 2, height: 0.5 });
      wb.setShapeText(d, 'note', 'Big idea');
    });
    expect(doc.items.rect).toMatchObject({ x: 50, y: 60, width: 120, height: 70, rotation: 45, style: { fill: '#00f', width: 4, color: '#1e1e1e' } });
    expect(doc.items.ink).toMatchObject({ x: 1, y: 2, scaleX: 2, scaleY: 0.5 });
    expect((doc.items.note as Shape).text).toBe('Big idea');
  });

  it('nudges an item from where it is, and sets the two ends of lines and arrows (the head at the end)', () => {
    let doc = edit(setup(), 'ann', (d) => {
      wb.addShape(d, { id: 'arrow', type: 'arrow', x: 100, y: 100, width: 50, height: 20 });
      wb.nudgeItem(d, 'rect', 5, -2);
      wb.nudgeItem(d, 'ink', -1, 0);
    });
    expect(doc.items.rect).toMatchObject({ x: 15, y: 8 });
    expect(doc.items.ink).toMatchObject({ x: -1, y: 0 });
    doc = edit(doc, 'ann', (d) => wb.setLineEnds(d, 'arrow', { x: 300, y: 200 }, { x: 250, y: 260 }));
    expect(doc.items.arrow).toMatchObject({ x: 300, y: 200, width: -50, height: 60 });
    expect(wb.lineEnds(doc.items.arrow as Shape)).toEqual({ start: { x: 300, y: 200 }, end: { x: 250, y: 260 } });
  });

  it('converges when two people drag the ends of one arrow at once: all four fields from one of them', () => {
    const base = edit(setup(), 'ann', (d) => void wb.addShape(d, { id: 'arrow', type: 'arrow', x: 0, y: 0, width: 10, height: 10 }));
    const a = edit(peer(base), 'ann', (d) => wb.setLineEnds(d, 'arrow', { x: 1, y: 2 }, { x: 3, y: 4 }));
    const b = edit(peer(base), 'bob', (d) => wb.setLineEnds(d, 'arrow', { x: 50, y: 60 }, { x: 70, y: 80 }));
    const { ab, ba } = mergeBoth(a, b);
    expect(ab.items.arrow).toEqual(ba.items.arrow);
    const ends = wb.lineEnds(ab.items.arrow as Shape);
    expect([
      { start: { x: 1, y: 2 }, end: { x: 3, y: 4 } },
      { start: { x: 50, y: 60 }, end: { x: 70, y: 80 } },
    ]).toContainEqual(ends);
  });

  it('merges two people typing into one sticky note at once', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => wb.setShapeText(d, 'note', 'Big Idea'));
    const b = edit(peer(base), 'bob', (d) => wb.setShapeText(d, 'note', 'Idea!'));
    const { ab, ba } = mergeBoth(a, b);
    expect((ab.items.note as Shape).text).toBe('Big Idea!');
    expect((ba.items.note as Shape).text).toBe('Big Idea!');
  });

  it('re-orders: to front, to back, and to a given position', () => {
    let doc = setup();
    doc = edit(doc, 'ann', (d) => wb.bringToFront(d, 'rect'));
    expect(order(doc)).toEqual(['note', 'ink', 'rect']);
    doc = edit(doc, 'ann', (d) => wb.sendToBack(d, 'ink'));
    expect(order(doc)).toEqual(['ink', 'note', 'rect']);
    doc = edit(doc, 'ann', (d) => wb.reorderItem(d, 'rect', 1));
    expect(order(doc)).toEqual(['ink', 'rect', 'note']);
  });

  it('converges when two people move the same shape at once: one move wins, both fields from it', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => wb.moveItem(d, 'rect', 300, 400));
    const b = edit(peer(base), 'bob', (d) => wb.moveItem(d, 'rect', -5, -7));
    const { ab, ba } = mergeBoth(a, b);
    expect(A.toJS(ab)).toEqual(A.toJS(ba));
    expect([[300, 400], [-5, -7]]).toContainEqual([ab.items.rect.x, ab.items.rect.y]);
  });

  it('converges to deleted when one person moves a shape while another deletes it', () => {
    const base = setup();
    const mover = edit(peer(base), 'ann', (d) => {
      wb.moveItem(d, 'note', 1, 1);
      wb.restyleItem(d, 'note', { color: '#123' });
      wb.setShapeText(d, 'note', 'Moved idea');
      wb.bringToFront(d, 'note');
    });
    const deleter = edit(peer(base), 'bob', (d) => wb.deleteItem(d, 'note'));
    const { ab, ba } = mergeBoth(mover, deleter);
    expect(ab.items.note).toBeUndefined();
    expect(ba.items.note).toBeUndefined();
    expect(A.toJS(ab)).toEqual(A.toJS(ba));
    expect(order(ab)).toEqual(['rect', 'ink']);
    // Editing it after learning of the delete is refused clearly rather than resurrecting it.
    expect(() => edit(ab, 'ann', (d) => wb.moveItem(d, 'note', 2, 2))).toThrow(expect.objectContaining({ code: 'not-found' }));
  });

  it('keeps concurrent restyles of different fields and resize with move', () => {
    const base = setup();
    const a = edit(peer(base), 'ann', (d) => wb.restyleItem(d, 'rect', { color: '#abc' }));
    const b = edit(peer(base), 'bob', (d) => {
      wb.restyleItem(d, 'rect', { opacity: 0.5 });
      wb.resizeItem(d, 'rect', { width: 1, height: 2 });
    });
    const c = edit(peer(base), 'cat', (d) => wb.moveItem(d, 'rect', 9, 9));
    const merged = A.merge(A.merge(A.clone(a), b), c);
    expect(merged.items.rect).toMatchObject({ x: 9, y: 9, width: 1, height: 2, style: { color: '#abc', opacity: 0.5 } });
  });

  it('never duplicates or drops items under concurrent re-orders, including the same item by two people', () => {
    let base = setup();
    base = edit(base, 'ann', (d) => {
      for (let i = 0; i < 5; i++) wb.addShape(d, { id: `s${i}`, type: 'rectangle', x: i, y: 0, width: 1, height: 1 });
    });
    const a = edit(peer(base), 'ann', (d) => {
      wb.bringToFront(d, 'rect');
      wb.reorderItem(d, 's3', 0);
    });
    const b = edit(peer(base), 'bob', (d) => {
      wb.sendToBack(d, 'rect');
      wb.reorderItem(d, 's1', 6);
      wb.addShape(d, { id: 'new', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 });
    });
    const c = edit(peer(base), 'cat', (d) => wb.addShape(d, { id: 'new2', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 }));
    const e = edit(peer(base), 'dan', (d) => wb.addShape(d, { id: 'new3', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 }));
    const m1 = A.merge(A.merge(A.merge(A.clone(a), b), c), e);
    const m2 = A.merge(A.merge(A.merge(A.clone(e), c), a), b);
    expect(order(m1)).toEqual(order(m2));
    expect([...order(m1)].sort()).toEqual(['ink', 'new', 'new2', 'new3', 'note', 'rect', 's0', 's1', 's2', 's3', 's4']);
    // 'new2' and 'new3' got the same z concurrently: ordered by id, and still re-orderable between them.
    expect(m1.items.new2.z).toBe(m1.items.new3.z);
    const tied = edit(m1, 'ann', (d) => wb.reorderItem(d, 'rect', order(m1).indexOf('new3')));
    const o = order(tied);
    expect(o.indexOf('new2')).toBeLessThan(o.indexOf('rect'));
    expect(o.indexOf('rect')).toBeLessThan(o.indexOf('new3'));
    expect(o).toHaveLength(11);
  });

  it('draws items written wrongly by another peer (no z, wrong id field) exactly once, ordered the same everywhere', () => {
    const doc = A.change(setup(), (d) => {
      const raw = d.items as unknown as Record<string, unknown>;
      raw.noz = { id: 'noz', type: 'rectangle', x: 0, y: 0 };
      raw.liar = { id: 'rect', type: 'ellipse', z: 'zzz', x: 0, y: 0 };
    });
    expect(order(doc)).toEqual(['noz', 'rect', 'note', 'ink', 'liar']);
    expect(wb.itemsInOrder(doc)).toHaveLength(5);
  });

  it('rejects bad input with clear errors and loses nothing', () => {
    const doc = setup();
    expect(() => edit(doc, 'a', (d) => wb.addShape(d, { type: 'hexagon' as never, x: 0, y: 0, width: 1, height: 1 }))).toThrow(/unknown shape type/);
    expect(() => edit(doc, 'a', (d) => wb.addStroke(d, { points: [1, 2, 3] }))).toThrow(/flat array/);
    expect(() => edit(doc, 'a', (d) => wb.moveItem(d, 'rect', NaN, 0))).toThrow(/finite/);
    expect(() => edit(doc, 'a', (d) => wb.addShape(d, { id: 'rect', type: 'ellipse', x: 0, y: 0, width: 1, height: 1 }))).toThrow(/already exists/);
    expect(() => edit(doc, 'a', (d) => wb.rotateItem(d, 'ink', 10))).toThrow(/cannot be rotated/);
    expect(() => edit(doc, 'a', (d) => wb.setLineEnds(d, 'rect', { x: 0, y: 0 }, { x: 1, y: 1 }))).toThrow(/not a line or arrow/);
    expect(() => edit(doc, 'a', (d) => wb.setLineEnds(d, 'gone', { x: 0, y: 0 }, { x: 1, y: 1 }))).toThrow(/not on the board/);
    expect(() => edit(doc, 'a', (d) => wb.nudgeItem(d, 'rect', Infinity, 0))).toThrow(/dx must be a finite number/);
    expect(() => edit(doc, 'a', (d) => wb.setShapeText(d, 'note', 42 as never))).toThrow(/text must be a string, got number/);
    expect(() => edit(doc, 'a', (d) => wb.addShape(d, { type: 'text', x: 0, y: 0, width: 1, height: 1, text: null as never }))).toThrow(/text must be a string, got null/);
    expect(order(doc)).toEqual(['rect', 'note', 'ink']);
  });
});
