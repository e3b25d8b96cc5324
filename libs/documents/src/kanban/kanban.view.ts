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
  const columns = sortRanked(Object.values(doc.columns ?? {}).map((c) => ({ id: c.id, rank: c.rank, title: c.title })));
  const byColumn = new Map<string, CardView[]>(columns.map((c) => [c.id, []]));
  const unsorted: CardView[] = [];
  for (const card of Object.values(doc.cards ?? {})) {
    const view = cardView(card);
    (byColumn.get(view.columnId) ?? unsorted).push(view);
  }
  const sortCards = (cards: CardView[]) => sortRanked(cards.map((c) => ({ ...c, id: c.id, rank: c.rank })));
  const out: ColumnView[] = columns.map((c) => ({ id: c.id, title: c.title, synthetic: false, cards: sortCards(byColumn.get(c.id)!) }));
  if (unsorted.length > 0) out.push({ id: UNSORTED_COLUMN_ID, title: 'Unsorted', synthetic: true, cards: sortCards(unsorted) });
  return out;
}

export function cardView(card: KanbanDoc['cards'][string]): CardView {
  return {
    id: card.id,
    title: card.title,
    description: card.description,
    assignees: Object.keys(card.assignees ?? {}).sort(),
    labels: Object.keys(card.labels ?? {}).sort(),
    due: card.due ?? null,
    columnId: card.place?.columnId ?? UNSORTED_COLUMN_ID,
    rank: card.place?.rank ?? '',
    createdBy: card.createdBy ?? null,
  };
}
