import type { KanbanDoc } from '../kinds';
import { sortRanked } from '../ordering';
import { UNSORTED_COLUMN_ID } from './kanban.ops';

export interface CardView {
  id: string;
  title: string;
  description: string;
  assignees: string[];
  labels: string[];
  due: string | null;
  columnId: string;
  rank: string;
  createdBy: string | null;
}

export interface ColumnView {
  id: string;
  title: string;
  /** True for the Unsorted column that holds cards whose column was deleted. */
  synthetic: boolean;
  cards: CardView[];
}

/**
 * The board as rendered: columns in order, each with its cards in order. Every card appears
 * exactly once: in its column, or in the synthetic Unsorted column (last, only when non-empty) when
 * its column no longer exists.
 */
export function boardView(doc: KanbanDoc): ColumnView[] {
  // Map keys are the ids; values written by other peers are read defensively.
  const columns = sortRanked(Object.entries(doc.columns ?? {}).filter(([, c]) => c && typeof c === 'object').map(([id, c]) => ({ id, rank: c.rank, title: typeof c.title === 'string' ? c.title : '' })));
  const byColumn = new Map<string, CardView[]>(columns.map((c) => [c.id, []]));
  const unsorted: CardView[] = [];
  for (const [id, card] of Object.entries(doc.cards ?? {})) {
    if (!card || typeof card !== 'object') continue;
    const view = { ...cardView(card), id };
    (byColumn.get(view.columnId) ?? unsorted).push(view);
  }
  const sortCards = (cards: CardView[]) => sortRanked(cards.map((c) => ({ ...c, id: c.id, rank: c.rank })));
  const out: ColumnView[] = columns.map((c) => ({ id: c.id, title: c.title, synthetic: false, cards: sortCards(byColumn.get(c.id)!) }));
  if (unsorted.length > 0) out.push({ id: UNSORTED_COLUMN_ID, title: 'Unsorted', synthetic: true, cards: sortCards(unsorted) });
  return out;
}

export function cardView(card: KanbanDoc['cards'][string]): CardView {
  const place = card.place && typeof card.place === 'object' ? card.place : null;
  const str = (v: unknown) => (typeof v === 'string' ? v : '');
  const keys = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v).sort() : []);
  return {
    id: card.id,
    title: str(card.title),
    description: str(card.description),
    assignees: keys(card.assignees),
    labels: keys(card.labels),
    due: typeof card.due === 'string' ? card.due : null,
    columnId: typeof place?.columnId === 'string' ? place.columnId : UNSORTED_COLUMN_ID,
    rank: str(place?.rank),
    createdBy: typeof card.createdBy === 'string' ? card.createdBy : null,
  };
}
