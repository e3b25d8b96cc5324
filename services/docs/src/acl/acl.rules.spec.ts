import { emptyAcl } from '@tandem/contracts';
import { AclCommand, applyAclCommand, createdAcl } from './acl.rules';

const command = (type: AclCommand['type'], data: Record<string, unknown>): AclCommand =>
  ({ id: 'e', type, source: '/t', specversion: '1.0', time: new Date().toISOString(), tenant: 't', data: { docId: 'd', commandId: 'cmd-00000001', userId: 'ann', ...data } }) as AclCommand;

describe('applyAclCommand', () => {
  const base = createdAcl('d', 'ann', 'richtext');

  it('gives the creator ownership and members edit access, and says the document’s kind', () => {
    expect(base).toMatchObject({ version: 1, workspaceAccess: 'editor', grants: [{ userId: 'ann', role: 'owner' }], docKind: 'richtext' });
  });

  it('grants, changes and revokes a role, one version each', () => {
    const granted = applyAclCommand(base, command('tandem.docs.acl.grant', { subject: 'bob', role: 'viewer' }));
    expect(granted.version).toBe(2);
    const changed = applyAclCommand(granted, command('tandem.docs.acl.grant', { subject: 'bob', role: 'editor' }));
    expect(changed.grants).toContainEqual({ userId: 'bob', role: 'editor' });
    const revoked = applyAclCommand(changed, command('tandem.docs.acl.grant', { subject: 'bob', role: null }));
    expect(revoked.grants.map((g) => g.userId)).toEqual(['ann']);
    expect(revoked.version).toBe(4);
  });

  it('changes nothing when a command is repeated', () => {
    const granted = applyAclCommand(base, command('tandem.docs.acl.grant', { subject: 'bob', role: 'viewer' }));
    expect(applyAclCommand(granted, command('tandem.docs.acl.grant', { subject: 'bob', role: 'viewer' }))).toBe(granted);
    const link = command('tandem.docs.acl.link.create', { linkId: 'l1', role: 'viewer', expiresAt: new Date(Date.now() + 1000).toISOString() });
    const linked = applyAclCommand(granted, link);
    expect(applyAclCommand(linked, link)).toBe(linked);
  });

  it('revokes a link once', () => {
    const linked = applyAclCommand(base, command('tandem.docs.acl.link.create', { linkId: 'l1', role: 'editor', expiresAt: new Date(Date.now() + 1000).toISOString() }));
    const revoked = applyAclCommand(linked, command('tandem.docs.acl.link.revoke', { linkId: 'l1' }));
    expect(revoked.links[0].revoked).toBe(true);
    expect(applyAclCommand(revoked, command('tandem.docs.acl.link.revoke', { linkId: 'l1' }))).toBe(revoked);
  });

  it('sets workspace access', () => {
    expect(applyAclCommand(emptyAcl('doc', 'd'), command('tandem.docs.acl.workspace-access', { access: 'none' }))).toMatchObject({ version: 1, workspaceAccess: 'none' });
  });
});
