import * as A from '@automerge/automerge';
import { Inject, Injectable } from '@nestjs/common';
import { DocVersionView, TOPICS, TopicEvent, aggregateKey } from '@tandem/contracts';
import { DocDiff, Rendered, diffVersions, listVersions, render, restoreChange, viewAt } from '@tandem/documents';
import { EVENT_BUS, EventBus, SERVICE_NAME, currentTraceparent } from '@tandem/platform';
import { randomBytes, randomUUID } from 'node:crypto';
import { DocumentsService } from './documents.service';

/**
 * History and time travel over the stored state of a document: versions, the document at a
 * version, diffs, and restores. A restore is computed here on a copy and sent to
 * `docs.commands.v1` like any client change, so the partition owner stays the single writer and
 * nothing written since is destroyed (it stays in history).
 */
@Injectable()
export class DocumentsHistoryService {
  constructor(
    private readonly documents: DocumentsService,
    @Inject(EVENT_BUS) private readonly bus: EventBus,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async versions(tenant: string, docId: string, options: { gapMs?: number; maxChanges?: number } = {}): Promise<DocVersionView[]> {
    return this.documents.read(tenant, docId, null, (live) => listVersions(live.doc, options));
  }

  async view(tenant: string, docId: string, heads: string[]): Promise<Rendered> {
    return this.documents.read(tenant, docId, null, (live) => render(viewAt(live.doc, heads)));
  }

  async diff(tenant: string, docId: string, from: string[], to: string[]): Promise<DocDiff> {
    return this.documents.read(tenant, docId, null, (live) => diffVersions(live.doc, from, to));
  }

  /** Makes the document read as it did at `heads` with one new change by `userId`; `changed` false if it already does. */
  async restore(tenant: string, docId: string, heads: string[], userId: string, commandId: string): Promise<{ commandId: string; changed: boolean }> {
    const { change, kind } = await this.documents.read(tenant, docId, null, (live) => {
      const copy = A.clone(live.doc, { actor: randomBytes(16).toString('hex') });
      try {
        const before = A.getHeads(copy).join();
        const restored = restoreChange(copy, heads, { userId });
        return { change: A.getHeads(restored).join() === before ? null : A.getLastLocalChange(restored)!, kind: live.kind };
      } finally {
        A.free(copy);
      }
    });
    if (!change) return { commandId, changed: false };
    const event: TopicEvent<typeof TOPICS.docsCommands> = {
      id: randomUUID(),
      type: 'tandem.docs.doc.change',
      source: `/${this.service}`,
      specversion: '1.0',
      time: new Date().toISOString(),
      tenant,
      data: { docId, kind, commandId, userId, changes: Buffer.from(change).toString('base64') },
    };
    const traceparent = currentTraceparent();
    if (traceparent) event.traceparent = traceparent;
    await this.bus.publish(TOPICS.docsCommands, [{ key: aggregateKey(tenant, docId), event }]);
    return { commandId, changed: true };
  }
}
