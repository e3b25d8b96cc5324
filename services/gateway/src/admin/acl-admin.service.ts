import { ForbiddenException, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { AclState, EventOfType, ResourceRef, ResourceRole, TOPICS, aggregateKey } from '@tandem/contracts';
import { EVENT_BUS, EventBus, Principal, SERVICE_NAME } from '@tandem/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { SHARE_LINKS } from '../access/access.service';
import { AclCache } from '../access/acl-cache';
import { allows, effectiveRole } from '../access/effective-role';
import { ShareLinks } from '../access/share-link';

type AclCommandType = 'tandem.docs.acl.grant' | 'tandem.docs.acl.workspace-access' | 'tandem.docs.acl.link.create' | 'tandem.docs.acl.link.revoke';
type AclCommandData<E extends AclCommandType> = Omit<EventOfType<typeof TOPICS.docsCommands, E>['data'], 'docId' | 'commandId' | 'userId'>;

/**
 * The admin API's logic: who may see and change a resource's grants and share links. Reading needs
 * any role on the resource; changing needs owner (or workspace admin). Changes are commands to the
 * owning service, accepted once Kafka has them; gateways apply the resulting `acl.v1` within a second.
 */
@Injectable()
export class AclAdminService {
  constructor(
    private readonly acls: AclCache,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SHARE_LINKS) private readonly links: ShareLinks,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async read(principal: Principal, resource: ResourceRef): Promise<AclState> {
    return this.require(principal, resource, 'viewer');
  }

  async grant(principal: Principal, resource: ResourceRef, subject: string, role: ResourceRole | null) {
    await this.require(principal, resource, 'owner');
    return this.send(principal, resource, 'tandem.docs.acl.grant', { subject, role });
  }

  async setWorkspaceAccess(principal: Principal, resource: ResourceRef, access: AclState['workspaceAccess']) {
    await this.require(principal, resource, 'owner');
    return this.send(principal, resource, 'tandem.docs.acl.workspace-access', { access });
  }

  async createLink(principal: Principal, resource: ResourceRef, role: Exclude<ResourceRole, 'owner'>, expiresInSeconds: number) {
    await this.require(principal, resource, 'owner');
    const linkId = `lnk_${randomBytes(12).toString('hex')}`;
    const expiresAt = Date.now() + expiresInSeconds * 1000;
    const token = await this.links.sign({ tenant: principal.tenant, resource, linkId, role, expiresAt });
    const { commandId } = await this.send(principal, resource, 'tandem.docs.acl.link.create', { linkId, role, expiresAt: new Date(expiresAt).toISOString() });
    return { linkId, token, role, expiresAt: new Date(expiresAt).toISOString(), commandId };
  }

  async revokeLink(principal: Principal, resource: ResourceRef, linkId: string) {
    await this.require(principal, resource, 'owner');
    return this.send(principal, resource, 'tandem.docs.acl.link.revoke', { linkId });
  }

  private async require(principal: Principal, resource: ResourceRef, needed: ResourceRole): Promise<AclState> {
    let acl: AclState;
    try {
      acl = await this.acls.get(principal.tenant, resource);
    } catch (error) {
      throw new ServiceUnavailableException({ code: 'UNAVAILABLE', message: (error as Error).message });
    }
    const role = effectiveRole(acl, principal);
    if (!allows(role, needed)) throw new ForbiddenException({ code: 'FORBIDDEN', message: `this needs the ${needed} role on ${resource.kind} ${resource.id}` });
    return acl;
  }

  private async send<E extends AclCommandType>(principal: Principal, resource: ResourceRef, type: E, data: AclCommandData<E>) {
    const commandId = randomUUID();
    const event = {
      id: randomUUID(),
      type,
      source: `/${this.service}`,
      specversion: '1.0' as const,
      time: new Date().toISOString(),
      tenant: principal.tenant,
      data: { docId: resource.id, commandId, userId: principal.userId, ...data },
    } as unknown as EventOfType<typeof TOPICS.docsCommands, E>;
    try {
      await this.bus.publish(TOPICS.docsCommands, [{ key: aggregateKey(principal.tenant, resource.id), event }]);
    } catch (error) {
      throw new ServiceUnavailableException({ code: 'UNAVAILABLE', message: `the change could not be stored (${(error as Error).message}); try again` });
    }
    return { accepted: true as const, commandId };
  }
}
