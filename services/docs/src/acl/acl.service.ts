import { Inject, Injectable } from '@nestjs/common';
import { AclState, DocKindName, TOPICS, TopicEvent, aggregateKey, emptyAcl } from '@tandem/contracts';
import { EVENT_BUS, EventBus, PublishRecord, SERVICE_NAME } from '@tandem/platform';
import { randomUUID } from 'node:crypto';
import { DOCUMENT_STORE, DocumentStore } from '../store/document-store.port';
import { AclCommand, applyAclCommand, createdAcl } from './acl.rules';

/** Entries kept in memory; the least recently used beyond this are reloaded from the store. */
const CACHE_SIZE = 5_000;

/**
 * Access-control lists of documents. The docs service owns them: it stores each change and
 * publishes the whole new ACL on the compacted `acl.v1`, from which every gateway learns it.
 */
@Injectable()
export class AclService {
  private readonly cache = new Map<string, AclState>();

  constructor(
    @Inject(DOCUMENT_STORE) private readonly store: DocumentStore,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  /** The stored ACL, or the empty one of a document that does not exist yet. */
  async read(tenant: string, docId: string): Promise<AclState> {
    return (await this.load(tenant, docId)) ?? emptyAcl('doc', docId);
  }

  /**
   * Gives a new document its first ACL (the creator owns it). An existing ACL that does not say the
   * document's kind yet (shared before its first change, or stored before ACLs carried it) learns it.
   */
  async ensureCreated(tenant: string, docId: string, creator: string, docKind: DocKindName): Promise<void> {
    const current = await this.load(tenant, docId);
    if (!current) return this.save(tenant, docId, createdAcl(docId, creator, docKind));
    if (!current.docKind) await this.save(tenant, docId, { ...current, docKind, version: current.version + 1 });
  }

  /** Applies ACL commands of one partition in order; each change is stored, then published. */
  async applyCommands(commands: readonly AclCommand[]): Promise<void> {
    for (const command of commands) {
      const { tenant } = command;
      const { docId } = command.data;
      const current = (await this.load(tenant, docId)) ?? emptyAcl('doc', docId);
      const next = applyAclCommand(current, command);
      if (next !== current) await this.save(tenant, docId, next);
      // Published even when unchanged: a redelivery re-announces what a crash may have left unsaid.
      else await this.bus.publish(TOPICS.acl, [this.changed(tenant, current)]);
    }
  }

  private async save(tenant: string, docId: string, acl: AclState): Promise<void> {
    const key = aggregateKey(tenant, docId);
    try {
      await this.store.saveAcl(tenant, docId, acl);
    } catch (error) {
      this.cache.delete(key); // someone else wrote it: reload on redelivery
      throw error;
    }
    this.remember(key, acl);
    await this.bus.publish(TOPICS.acl, [this.changed(tenant, acl)]);
  }

  private async load(tenant: string, docId: string): Promise<AclState | null> {
    const key = aggregateKey(tenant, docId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const stored = await this.store.loadAcl(tenant, docId);
    if (stored) this.remember(key, stored);
    return stored;
  }

  private remember(key: string, acl: AclState): void {
    this.cache.delete(key);
    this.cache.set(key, acl);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }

  private changed(tenant: string, acl: AclState): PublishRecord<typeof TOPICS.acl> {
    const event: TopicEvent<typeof TOPICS.acl> = {
      id: randomUUID(),
      type: 'tandem.acl.changed',
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      data: acl,
    };
    return { key: aggregateKey(tenant, `${acl.resource.kind}:${acl.resource.id}`), event };
  }
}
