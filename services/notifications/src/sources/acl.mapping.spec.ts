import type { AclState } from '@tandem/contracts';
import { canRead, mapAclChange, nextAclSnapshot } from './acl.mapping';

const acl = (version: number, grants: AclState['grants'], workspaceAccess: AclState['workspaceAccess'] = 'none'): AclState => ({ resource: { kind: 'doc', id: 'd1' }, version, workspaceAccess, grants, links: [] });

describe('mapAclChange', () => {
  it('notifies users given access or a stronger role since the previous ACL', () => {
    const previous = acl(1, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'viewer' }, { userId: 'cat', role: 'editor' }]);
    const current = acl(2, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'editor' }, { userId: 'cat', role: 'viewer' }, { userId: 'dan', role: 'commenter' }]);
    const cs = mapAclChange({ previous, current });
    expect(cs.map((c) => [c.userId, c.link, c.idempotencyKey])).toEqual([
      ['bob', { kind: 'doc', docId: 'd1', role: 'editor', docKind: null }, 'acl:doc:d1:v2'],
      ['dan', { kind: 'doc', docId: 'd1', role: 'commenter', docKind: null }, 'acl:doc:d1:v2'],
    ]);
    expect(cs[1]).toMatchObject({ type: 'doc.shared', title: 'Document d1 was shared with you (commenter)', scopes: [{ kind: 'doc', id: 'd1' }], actorId: null });
  });

  it('says the kind of the document shared, when its ACL knows it, so the client opens the right screen', () => {
    const previous = { ...acl(1, [{ userId: 'ann', role: 'owner' }]), docKind: 'whiteboard' as const };
    const current = { ...acl(2, [{ userId: 'ann', role: 'owner' }, { userId: 'bob', role: 'viewer' }]), docKind: 'whiteboard' as const };
    expect(mapAclChange({ previous, current }).map((c) => c.link)).toEqual([{ kind: 'doc', docId: 'd1', role: 'viewer', docKind: 'whiteboard' }]);
  });

  it('notifies nobody for the first ACL seen (the creator owns it, or there is nothing to compare with)', () => {
    expect(mapAclChange({ previous: null, current: acl(1, [{ userId: 'ann', role: 'owner' }]) })).toEqual([]);
    expect(mapAclChange({ previous: null, current: acl(5, [{ userId: 'bob', role: 'owner' }]) })).toEqual([]);
  });
});

describe('nextAclSnapshot', () => {
  it('compares a redelivered version with the same previous ACL, ignores older ones and moves on with newer ones', () => {
    const v1 = acl(1, []);
    const v2 = acl(2, [{ userId: 'bob', role: 'viewer' }]);
    const v3 = acl(3, [{ userId: 'bob', role: 'editor' }]);
    expect(nextAclSnapshot(null, v1)).toEqual({ previous: null, current: v1 });
    const s2 = nextAclSnapshot({ previous: null, current: v1 }, v2)!;
    expect(s2).toEqual({ previous: v1, current: v2 });
    expect(nextAclSnapshot(s2, v2)).toBe(s2);
    expect(nextAclSnapshot(s2, v1)).toBeNull();
    expect(nextAclSnapshot(s2, v3)).toEqual({ previous: v2, current: v3 });
  });
});

describe('canRead', () => {
  it('allows grantees, and members when the workspace has access', () => {
    expect(canRead(acl(2, [{ userId: 'bob', role: 'viewer' }]), 'bob')).toBe(true);
    expect(canRead(acl(2, [{ userId: 'bob', role: 'viewer' }]), 'eve')).toBe(false);
    expect(canRead(acl(2, [], 'viewer'), 'eve')).toBe(true);
    expect(canRead(null, 'eve')).toBe(true);
  });
});
