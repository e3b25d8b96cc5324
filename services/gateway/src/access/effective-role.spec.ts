import { AclState, emptyAcl } from '@tandem/contracts';
import { allows, effectiveRole } from './effective-role';

const acl = (changes: Partial<AclState> = {}): AclState => ({ ...emptyAcl('doc', 'd'), version: 3, workspaceAccess: 'none', ...changes });
const ann = { userId: 'ann', roles: ['member'] };
const future = new Date(Date.now() + 60_000).toISOString();

describe('effectiveRole', () => {
  it('gives nothing without a grant when members get nothing', () => {
    expect(effectiveRole(acl(), ann)).toBe('none');
  });

  it('gives a member the workspace access, and a guest nothing from it', () => {
    expect(effectiveRole(acl({ workspaceAccess: 'commenter' }), ann)).toBe('commenter');
    expect(effectiveRole(acl({ workspaceAccess: 'commenter' }), { userId: 'gus', roles: ['guest'] })).toBe('none');
  });

  it('takes the strongest of grant, workspace access and link', () => {
    const a = acl({ workspaceAccess: 'viewer', grants: [{ userId: 'ann', role: 'commenter' }], links: [{ linkId: 'l1', role: 'editor', expiresAt: future, revoked: false, createdBy: 'bob' }] });
    expect(effectiveRole(a, ann)).toBe('commenter');
    expect(effectiveRole(a, ann, 'l1')).toBe('editor');
  });

  it('ignores a revoked, expired or unknown link', () => {
    const past = new Date(Date.now() - 1000).toISOString();
    const a = acl({ links: [{ linkId: 'r', role: 'editor', expiresAt: future, revoked: true, createdBy: 'b' }, { linkId: 'x', role: 'editor', expiresAt: past, revoked: false, createdBy: 'b' }] });
    expect(effectiveRole(a, ann, 'r')).toBe('none');
    expect(effectiveRole(a, ann, 'x')).toBe('none');
    expect(effectiveRole(a, ann, 'nope')).toBe('none');
  });

  it('makes a workspace admin owner of everything', () => {
    expect(effectiveRole(acl(), { userId: 'root', roles: ['admin'] })).toBe('owner');
  });

  it('lets members create documents that do not exist yet', () => {
    expect(effectiveRole(emptyAcl('doc', 'new'), ann)).toBe('editor');
  });
});

describe('allows', () => {
  it('orders viewer < commenter < editor < owner', () => {
    expect(allows('editor', 'commenter')).toBe(true);
    expect(allows('commenter', 'editor')).toBe(false);
    expect(allows('none', 'viewer')).toBe(false);
  });
});
