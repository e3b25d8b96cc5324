/**
 * Every Kafka topic Tandem reads or writes. Names are `<domain>.<kind>.v<N>`; a breaking change is a
 * new version, never an edit. The record key of every topic is the tenant-scoped aggregate id
 * (see {@link aggregateKey}).
 */
export const TOPICS = {
  docsCommands: 'docs.commands.v1',
  docsEvents: 'docs.events.v1',
  chatCommands: 'chat.commands.v1',
  chatEvents: 'chat.events.v1',
  presenceCommands: 'presence.commands.v1',
  presenceEvents: 'presence.events.v1',
  filesCommands: 'files.commands.v1',
  filesEvents: 'files.events.v1',
  statsIngest: 'stats.ingest.v1',
  statsEvents: 'stats.events.v1',
  /** Records of stats.ingest.v1 that failed validation, with the error (dead letters). */
  statsIngestDlq: 'stats.ingest.dlq.v1',
  notificationsEvents: 'notifications.events.v1',
  acl: 'acl.v1',
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS];

export const ALL_TOPICS: readonly TopicName[] = Object.values(TOPICS);

/** Topics kept compacted (latest value per key) rather than deleted by age. */
export const COMPACTED_TOPICS: readonly TopicName[] = [TOPICS.acl];

/**
 * The Kafka record key for an aggregate: tenant-scoped so that ids never collide across tenants and
 * per-key ordering is per tenant's aggregate.
 */
export function aggregateKey(tenant: string, aggregateId: string): string {
  return `${tenant}/${aggregateId}`;
}
