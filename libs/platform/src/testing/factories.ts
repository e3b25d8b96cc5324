import { EventOfType, TOPICS, aggregateKey } from '@tandem/contracts';
import { randomUUID } from 'node:crypto';
import type { PublishRecord } from '../bus/event-bus.port';

/** A valid counter-increment record for `tenant` on document `docId`. */
export function incrementRecord(
  tenant: string,
  docId: string,
  by = 1,
  commandId: string = randomUUID(),
): PublishRecord<typeof TOPICS.docsCommands> & { event: EventOfType<typeof TOPICS.docsCommands, 'tandem.docs.counter.increment'> } {
  const event: EventOfType<typeof TOPICS.docsCommands, 'tandem.docs.counter.increment'> = {
    id: randomUUID(),
    type: 'tandem.docs.counter.increment',
    source: '/tests',
    specversion: '1.0',
    time: new Date().toISOString(),
    tenant,
    data: { docId, commandId, userId: 'tester', by },
  };
  return { key: aggregateKey(tenant, docId), event };
}
