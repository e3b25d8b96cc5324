import * as A from '@automerge/automerge';
import { KanbanDoc, kanban } from '@tandem/documents';

/** Who is assigned to each card of a board (card id → assignee ids). */
export type Assignees = Map<string, { title: string; assignees: Set<string> }>;

/** A card's new assignees after a batch, and who assigned them. */
export interface CardAssignment {
  cardId: string;
  title: string;
  assigneeIds: string[];
  byUserId: string;
}

/** The assignees of every card (read defensively, like the board view: peers may write odd data). */
export function assigneesOf(doc: A.Doc<unknown>): Assignees {
  const out: Assignees = new Map();
  const cards = (doc as KanbanDoc).cards;
  if (!cards || typeof cards !== 'object') return out;
  for (const [id, card] of Object.entries(cards)) {
    if (!card || typeof card !== 'object') continue;
    const view = kanban.cardView(card);
    out.set(id, { title: view.title, assignees: new Set(view.assignees) });
  }
  return out;
}

/** Assignees present in `after` but not in `before`, per card, attributed to `byUserId`. */
export function newAssignments(before: Assignees, after: Assignees, byUserId: string): CardAssignment[] {
  const out: CardAssignment[] = [];
  for (const [cardId, card] of after) {
    const had = before.get(cardId)?.assignees ?? new Set<string>();
    const added = [...card.assignees].filter((u) => !had.has(u)).sort();
    if (added.length > 0) out.push({ cardId, title: card.title, assigneeIds: added, byUserId });
  }
  return out;
}

/**
 * The card assignments a merged batch made. `groups` are the batch's new changes by the user whose
 * command carried them, in batch order. With one user (the usual batch) the diff of the board
 * before and after the merge is theirs; with several, the groups are replayed on a copy one user at
 * a time so each assignment is attributed to whoever made it (the notification never goes to the
 * assigner, and names them) — only when the batch assigned anyone at all.
 */
export function assignmentsOfBatch(beforeHeads: A.Heads, beforeAssignees: Assignees, after: A.Doc<unknown>, groups: Array<{ userId: string; changes: Uint8Array[] }>): CardAssignment[] {
  const afterAssignees = assigneesOf(after);
  const users = [...new Set(groups.map((g) => g.userId))];
  if (users.length === 1) return newAssignments(beforeAssignees, afterAssignees, users[0]);
  if (newAssignments(beforeAssignees, afterAssignees, '').length === 0) return [];
  const out: CardAssignment[] = [];
  // The board as it was before the batch (a fork at the old heads; the merged copy is untouched).
  let copy = A.clone(A.view(after, beforeHeads));
  let seen = beforeAssignees;
  try {
    for (const group of groups) {
      [copy] = A.applyChanges(copy, group.changes);
      const now = assigneesOf(copy);
      out.push(...newAssignments(seen, now, group.userId));
      seen = now;
    }
  } finally {
    A.free(copy);
  }
  return out;
}
