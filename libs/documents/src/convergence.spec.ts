import * as A from '@automerge/automerge';
import { createDoc, isDocumentError, kanban as kb, richtext as rt, whiteboard as wb, SHAPE_TYPES } from './index';
import type { DocKind, DocOfKind } from './kinds';
import { peer } from './testing/converge';

/** Seeded PRNG (mulberry32): the same ops every run. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = ReturnType<typeof rng>;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, n: number) => Math.floor(r() * n);

const OPS: { [K in DocKind]?: (d: DocOfKind[K], r: Rand, me: string) => void } = {
  richtext(d, r, me) {
    const len = d.text.length;
    const x = r();
    if (x < 0.45) rt.insertText(d, int(r, len + 1), pick(r, ['a', 'bc', ' ', me, 'xyz\n']));
    else if (x < 0.65 && len > 0) rt.deleteText(d, int(r, len), 1 + int(r, 3));
    else if (x < 0.8 && len > 1) {
      const s = int(r, len - 1);
      rt.addMark(d, { start: s, end: s + 1 + int(r, len - s - 1) }, pick(r, ['bold', 'italic', 'code'] as const));
    } else if (x < 0.9) rt.splitBlock(d, int(r, len + 1), pick(r, [rt.paragraph(), rt.heading(2), rt.listItem(true)]));
    else rt.setBlock(d, int(r, len + 1), pick(r, [rt.heading(1), rt.listItem(false), rt.paragraph()]));
  },
  whiteboard(d, r) {
    const ids = Object.keys(d.items);
    const id = pick(r, ids);
    const x = r();
    if (x < 0.25 || !id) wb.addShape(d, { type: pick(r, SHAPE_TYPES), x: int(r, 100), y: int(r, 100), width: 10, height: 10 });
    else if (x < 0.45) wb.moveItem(d, id, int(r, 500), int(r, 500));
    else if (x < 0.55) wb.deleteItem(d, id);
    else if (x < 0.7) wb.reorderItem(d, id, int(r, ids.length));
    else if (x < 0.8) pick(r, [wb.bringToFront, wb.sendToBack])(d, id);
    else if (x < 0.9) wb.restyleItem(d, id, { color: pick(r, ['red', 'blue', 'green']) });
    else wb.setShapeText(d, id, pick(r, ['note', 'idea', '']));
  },
  kanban(d, r, me) {
    const cols = Object.keys(d.columns);
    const cards = Object.keys(d.cards);
    const x = r();
    if (x < 0.1 || cols.length === 0) kb.addColumn(d, `col by ${me}`, { index: int(r, cols.length + 1) });
    else if (x < 0.15 && cols.length > 1) {
      const col = pick(r, cols);
      kb.deleteColumn(d, col, r() < 0.5 ? { deleteCards: true } : { moveCardsTo: pick(r, cols.filter((c) => c !== col)) });
    } else if (x < 0.2) kb.moveColumn(d, pick(r, cols), int(r, cols.length));
    else if (x < 0.45 || cards.length === 0) kb.addCard(d, pick(r, cols), { title: `card by ${me}` }, int(r, 5));
    else if (x < 0.8) kb.moveCard(d, pick(r, cards), pick(r, cols), int(r, 6));
    else if (x < 0.9) kb.editCard(d, pick(r, cards), { title: pick(r, ['a', 'b', 'card']), addLabels: [me] });
    else kb.deleteCard(d, pick(r, cards));
  },
};

function invariants(kind: DocKind, doc: A.Doc<unknown>): void {
  if (kind === 'kanban') {
    const d = doc as A.Doc<DocOfKind['kanban']>;
    const shown = kb.boardView(d).flatMap((c) => c.cards.map((x) => x.id));
    expect(new Set(shown).size).toBe(shown.length);
    expect(shown.sort()).toEqual(Object.keys(d.cards).sort());
  }
  if (kind === 'whiteboard') {
    const d = doc as A.Doc<DocOfKind['whiteboard']>;
    expect(wb.itemsInOrder(d).map((i) => i.id).sort()).toEqual(Object.keys(d.items).sort());
  }
}

describe('random concurrent editing', () => {
  for (const kind of ['richtext', 'whiteboard', 'kanban'] as const) {
    it(`converges for ${kind}: 3 peers, random ops, random partial syncs, every merge order`, () => {
      const r = rng(kind.length * 7919);
      let peers: A.Doc<unknown>[] = [0, 1, 2].map(() => peer(createDoc(kind)) as A.Doc<unknown>);
      const op = OPS[kind] as (d: unknown, r: Rand, me: string) => void;
      let applied = 0;
      for (let round = 0; round < 25; round++) {
        peers = peers.map((p, i) => {
          let doc = p;
          for (let k = 0; k < 4; k++) {
            try {
              doc = A.change(doc, (d) => op(d, r, `u${i}`));
              applied++;
            } catch (e) {
              if (!isDocumentError(e)) throw e;
            }
          }
          return doc;
        });
        // Some pairs sync now and then, like peers on and off line.
        if (r() < 0.5) {
          const [a, b] = [int(r, 3), int(r, 3)];
          if (a !== b) peers[a] = A.merge(peers[a], peers[b]);
        }
      }
      expect(applied).toBeGreaterThan(200);
      const orders = [[0, 1, 2], [2, 1, 0], [1, 0, 2]];
      const results = orders.map(([x, y, z]) => A.merge(A.merge(A.clone(peers[x]), peers[y]), peers[z]));
      for (const res of results) {
        expect(A.toJS(res)).toEqual(A.toJS(results[0]));
        invariants(kind, res);
      }
      if (kind === 'richtext') for (const res of results) expect(rt.blocks(res as never)).toEqual(rt.blocks(results[0] as never));
    });
  }
});
