import { Candidate, clip } from './candidate';

/**
 * `tandem.docs.card.assigned` on `docs.events.v1`: users were assigned a kanban card (the docs
 * service derives it from a merged batch: assignees after minus before).
 */
export type CardAssigned = { docId: string; cardId: string; title: string; assigneeIds: string[]; byUserId: string; seq: number };

/** Notifies each new assignee except whoever assigned them, if they can read the board. */
export function mapCardAssigned(d: CardAssigned): Candidate[] {
  return [...new Set(d.assigneeIds)]
    .filter((id) => id !== d.byUserId)
    .map((userId) => ({
      userId,
      type: 'card.assigned' as const,
      title: clip(`${d.byUserId} assigned you a card: ${d.title || d.cardId}`, 300),
      body: clip(d.title, 500),
      actorId: d.byUserId,
      link: { kind: 'card' as const, docId: d.docId, cardId: d.cardId },
      scopes: [{ kind: 'doc' as const, id: d.docId }],
      // Assigned again after being unassigned is a new assignment (a later seq).
      idempotencyKey: `card:${d.docId}:${d.cardId}:${d.seq}`,
      requiresDoc: d.docId,
    }));
}
