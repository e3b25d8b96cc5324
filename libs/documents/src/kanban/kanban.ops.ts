import * as A from '@automerge/automerge';
import { DocumentError } from '../errors';
import { newId } from '../ids';
import type { CardPlace, KanbanCard, KanbanColumn, KanbanDoc } from '../kinds';
import { Ranked, placeAt, rankAfterAll, sortRanked } from '../ordering';

/**
 * Kanban operations. Mutators: call them inside `A.change` on the draft.
 *
 * A card's place is `card.place = { columnId, rank }`, always assigned as a whole new object: one
 * register. Two people moving the same card concurrently therefore leave it in exactly one place
 * (one of the two moves), never in two columns and never in none. Editing a card's fields never
 * touches its place, so an edit and a move concurrently both apply.
 *
 * Deleting a column moves its cards to another column, or deletes them, as the caller says. A card that still points at a column that no longer exists — moved or
 * created there by someone who had not yet seen the column's deletion — is NEVER lost: the board
 * view shows it in the synthetic column {@link UNSORTED_COLUMN_ID} ("Unsorted"), after the real
 * columns, until someone moves it (or calls {@link rehomeOrphans}).
 */

export const UNSORTED_COLUMN_ID = '__unsorted__';

export interface NewCard {
  id?: string;
  title: string;
  description?: string;
  assignees?: string[];
  labels?: string[];
  due?: string | null;
  createdBy?: string | null;
}

export interface CardEdit {
  title?: string;
  description?: string;
  due?: string | null;
  addAssignees?: string[];
  removeAssignees?: string[];
  addLabels?: string[];
  removeLabels?: string[];
}

/** Adds a column at the end (or at `index`); returns its id. */
export function addColumn(d: KanbanDoc, title: string, options: { id?: string; index?: number } = {}): string {
  const id = options.id ?? newId();
  if (id === UNSORTED_COLUMN_ID) throw new DocumentError('invalid-argument', `${UNSORTED_COLUMN_ID} is reserved for cards without a column`);
  if (d.columns[id]) throw new DocumentError('invalid-argument', `column ${id} already exists; use a new id`);
  const siblings = columnRanks(d);
  const ranks = options.index === undefined ? new Map([[id, rankAfterAll(siblings.map((c) => c.rank))]]) : placeAt(siblings, id, options.index);
  const column: KanbanColumn = { id, title, rank: ranks.get(id)! };
  d.columns[id] = column;
  for (const [which, rank] of ranks) if (which !== id) d.columns[which].rank = rank;
  return id;
}

/** Renames a column (a minimal text edit, so concurrent renames merge character-wise). */
export function renameColumn(d: KanbanDoc, columnId: string, title: string): void {
  columnOf(d, columnId);
  A.updateText(d, ['columns', columnId, 'title'], title);
}

/** Moves a column to position `index` among the columns. */
export function moveColumn(d: KanbanDoc, columnId: string, index: number): void {
  columnOf(d, columnId);
  for (const [which, rank] of placeAt(columnRanks(d), columnId, index)) d.columns[which].rank = rank;
}

/**
 * Deletes a column; say what happens to its cards: `{ moveCardsTo: columnId }` (appended there, in
 * order) or `{ deleteCards: true }`. Deleting cards is a delete like any other: a concurrent edit or
 * move of one of those cards by someone else does not bring it back. Cards someone moves or adds
 * INTO the column concurrently are kept and show in the Unsorted column.
 */
export function deleteColumn(d: KanbanDoc, columnId: string, cards: { moveCardsTo: string } | { deleteCards: true }): void {
  columnOf(d, columnId);
  const moveTo = 'moveCardsTo' in cards ? cards.moveCardsTo : undefined;
  if (moveTo === undefined && !('deleteCards' in cards && cards.deleteCards === true)) {
    throw new DocumentError('invalid-argument', 'say what happens to the cards of a deleted column: { moveCardsTo: columnId } or { deleteCards: true }');
  }
  if (moveTo !== undefined) {
    if (moveTo === columnId) throw new DocumentError('invalid-argument', 'cannot move the cards of a column into itself');
    columnOf(d, moveTo);
  }
  for (const c of sortRanked(cardsIn(d, columnId))) {
    if (moveTo === undefined) delete d.cards[c.id];
    else d.cards[c.id].place = { columnId: moveTo, rank: rankAfterAll(cardsIn(d, moveTo).map((x) => x.rank)) };
  }
  delete d.columns[columnId];
}

/** Creates a card at the end of a column (or at `index` in it); returns its id. */
export function addCard(d: KanbanDoc, columnId: string, card: NewCard, index?: number): string {
  columnOf(d, columnId);
  const id = card.id ?? newId();
  if (d.cards[id]) throw new DocumentError('invalid-argument', `card ${id} already exists; use a new id`);
  const siblings = cardsIn(d, columnId);
  const ranks = index === undefined ? new Map([[id, rankAfterAll(siblings.map((s) => s.rank))]]) : placeAt(siblings, id, index);
  const value: KanbanCard = {
    id,
    title: card.title,
    description: card.description ?? '',
    assignees: toSet(card.assignees ?? []),
    labels: toSet(card.labels ?? []),
    due: checkDue(card.due ?? null),
    place: { columnId, rank: ranks.get(id)! },
    createdBy: card.createdBy ?? null,
  };
  d.cards[id] = value;
  applyRanks(d, columnId, ranks, id);
  return id;
}

/** Edits a card's fields; each field merges on its own (text character-wise, sets per member). */
export function editCard(d: KanbanDoc, cardId: string, edit: CardEdit): void {
  const card = cardOf(d, cardId);
  if (edit.title !== undefined) A.updateText(d, ['cards', cardId, 'title'], edit.title);
  if (edit.description !== undefined) A.updateText(d, ['cards', cardId, 'description'], edit.description);
  if (edit.due !== undefined && card.due !== edit.due) card.due = checkDue(edit.due);
  for (const u of edit.addAssignees ?? []) if (!card.assignees[u]) card.assignees[u] = true;
  for (const u of edit.removeAssignees ?? []) if (card.assignees[u]) delete card.assignees[u];
  for (const l of edit.addLabels ?? []) if (!card.labels[l]) card.labels[l] = true;
  for (const l of edit.removeLabels ?? []) if (card.labels[l]) delete card.labels[l];
}

/** Moves a card to position `index` of column `columnId` (the same or another column; end when omitted). */
export function moveCard(d: KanbanDoc, cardId: string, columnId: string, index?: number): void {
  cardOf(d, cardId);
  columnOf(d, columnId);
  const siblings = cardsIn(d, columnId).filter((c) => c.id !== cardId);
  const ranks = index === undefined ? new Map([[cardId, rankAfterAll(siblings.map((s) => s.rank))]]) : placeAt(siblings, cardId, index);
  applyRanks(d, columnId, ranks, cardId);
}

export function deleteCard(d: KanbanDoc, cardId: string): void {
  cardOf(d, cardId);
  delete d.cards[cardId];
}

/** Moves every card whose column no longer exists to the end of `columnId` (first column when omitted). Returns how many. */
export function rehomeOrphans(d: KanbanDoc, columnId?: string): number {
  const target = columnId ?? sortRanked(columnRanks(d))[0]?.id;
  if (target === undefined) return 0;
  columnOf(d, target);
  const orphans = sortRanked(Object.values(d.cards).filter((c) => !d.columns[c.place?.columnId]).map((c) => ({ id: c.id, rank: c.place?.rank ?? '' })));
  for (const o of orphans) moveCard(d, o.id, target);
  return orphans.length;
}

export function columnOf(d: KanbanDoc, columnId: string): KanbanColumn {
  const column = d.columns[columnId];
  if (!column) throw new DocumentError('not-found', `column ${columnId} is not on the board (deleted, perhaps by someone else)`);
  return column;
}

export function cardOf(d: KanbanDoc, cardId: string): KanbanCard {
  const card = d.cards[cardId];
  if (!card) throw new DocumentError('not-found', `card ${cardId} is not on the board (deleted, perhaps by someone else)`);
  return card;
}

function columnRanks(d: KanbanDoc): Ranked[] {
  return Object.values(d.columns).map((c) => ({ id: c.id, rank: c.rank }));
}

function cardsIn(d: KanbanDoc, columnId: string): Ranked[] {
  return Object.values(d.cards)
    .filter((c) => c.place?.columnId === columnId)
    .map((c) => ({ id: c.id, rank: c.place.rank }));
}

/** Writes new places: always a whole new `place` object (one register per card). */
function applyRanks(d: KanbanDoc, columnId: string, ranks: Map<string, string>, movedId: string): void {
  for (const [id, rank] of ranks) {
    const place: CardPlace = { columnId: id === movedId ? columnId : d.cards[id].place.columnId, rank };
    d.cards[id].place = place;
  }
}

function toSet(values: string[]): { [k: string]: true } {
  const out: { [k: string]: true } = {};
  for (const v of values) out[v] = true;
  return out;
}

function checkDue(due: string | null): string | null {
  if (due === null) return null;
  if (typeof due !== 'string' || Number.isNaN(Date.parse(due))) throw new DocumentError('invalid-argument', `due must be an ISO date (YYYY-MM-DD) or timestamp, or null; got ${JSON.stringify(due)}`);
  return due;
}
