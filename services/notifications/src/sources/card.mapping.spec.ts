import { mapCardAssigned } from './card.mapping';

describe('mapCardAssigned', () => {
  it('notifies each assignee but the one who assigned, requiring access to the board', () => {
    const cs = mapCardAssigned({ docId: 'b1', cardId: 'card-9', title: 'Ship it', assigneeIds: ['bob', 'ann', 'bob'], byUserId: 'ann', seq: 4 });
    expect(cs).toEqual([
      {
        userId: 'bob',
        type: 'card.assigned',
        title: 'ann assigned you a card: Ship it',
        body: 'Ship it',
        actorId: 'ann',
        link: { kind: 'card', docId: 'b1', cardId: 'card-9' },
        scopes: [{ kind: 'doc', id: 'b1' }],
        idempotencyKey: 'card:b1:card-9:4',
        requiresDoc: 'b1',
      },
    ]);
  });
});
