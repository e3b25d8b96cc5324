import { z } from 'zod';
import { EVENT_CATALOG } from './events/catalog';
import { EnvelopeSchema } from './envelope';
import { STATS_EXAMPLES } from './events/stats.events';
import { TOPICS, TopicName } from './topics';

/** Who writes and who reads each topic (ARCHITECTURE.md), from Tandem's point of view. */
const TOPIC_ROLES: Record<TopicName, { action: 'send' | 'receive'; description: string }> = {
  [TOPICS.docsCommands]: { action: 'send', description: 'Commands on documents, keyed by tenant/document id. Written by the gateway, read by the docs service.' },
  [TOPICS.docsEvents]: { action: 'send', description: 'What happened to documents, keyed by tenant/document id. Written by the docs service; read by the gateway and partners.' },
  [TOPICS.chatCommands]: { action: 'send', description: 'Chat commands (channels, members, messages, reactions, pins, read markers, thread follows), keyed by tenant/channel id. Written by the gateway, read by the chat service.' },
  [TOPICS.chatEvents]: { action: 'send', description: 'What happened in chat, keyed by tenant/channel id. Stream events carry the channel\'s gapless sequence number `seq`; read markers, thread follows and rejections are per user. Written by the chat service; read by the gateway, notifications and partners.' },
  [TOPICS.presenceCommands]: { action: 'send', description: 'Connections, heartbeats, room joins, statuses and typing, keyed by tenant/user:<id>. Written by gateways, read by the presence service.' },
  [TOPICS.presenceEvents]: { action: 'send', description: 'User statuses (keyed by tenant/user:<id>), room rosters and typing (keyed by tenant/<room>). Written by the presence service, read by gateways.' },
  [TOPICS.filesCommands]: { action: 'send', description: 'File commands, keyed by tenant/file id.' },
  [TOPICS.filesEvents]: { action: 'send', description: 'File events, keyed by tenant/file id; read by the gateway, chat, docs and partners.' },
  [TOPICS.statsIngest]: { action: 'receive', description: 'Match events produced by partner systems and game servers, keyed by tenant/match id. Every event has a CloudEvents id (duplicates are dropped) and a match-local seq; stat values are increments, so delivery order within a match does not matter. Invalid records go to stats.ingest.dlq.v1.' },
  [TOPICS.statsEvents]: { action: 'send', description: 'Match boards (keyed by tenant/match:<id>), records broken and rank changes (keyed by tenant/player:<id>). Written by the stats service; read by gateways, notifications and partners.' },
  [TOPICS.statsIngestDlq]: { action: 'send', description: 'Dead letters of stats.ingest.v1: each record that failed validation, with the error and its original headers and value, keyed like the original record. Fix and produce again.' },
  [TOPICS.notificationsEvents]: { action: 'send', description: 'Per-user notifications, keyed by tenant/user id.' },
  [TOPICS.acl]: { action: 'send', description: 'Compacted: the current grants of each resource, keyed by tenant/resource id.' },
};

function channelId(topic: string): string {
  return topic.replace(/\.v(\d+)$/, 'V$1').replace(/\.(\w)/g, (_, c: string) => c.toUpperCase());
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** The CloudEvents binary-mode headers as a JSON schema (the values are Kafka header strings). */
function headersSchema(): Record<string, unknown> {
  const shape = EnvelopeSchema.shape;
  const header = (name: string, schema: z.ZodType) => [name, jsonSchema(schema)] as const;
  return {
    type: 'object',
    required: ['ce_id', 'ce_type', 'ce_source', 'ce_specversion', 'ce_time', 'tenant'],
    properties: Object.fromEntries([
      header('ce_id', shape.id),
      header('ce_type', shape.type),
      header('ce_source', shape.source),
      header('ce_specversion', shape.specversion),
      header('ce_time', shape.time),
      header('tenant', shape.tenant),
      header('traceparent', shape.traceparent.unwrap()),
      ['content-type', { type: 'string', const: 'application/json' }],
    ]),
  };
}

/**
 * Builds the AsyncAPI 3 document of every topic from the event schemas themselves, so the published
 * document cannot drift from what the code validates. `libs/contracts/asyncapi.json` is its committed
 * rendering (`npm run asyncapi -w @tandem/contracts` rewrites it; a test fails when it is stale).
 */
export function buildAsyncApiDocument(version = '1.0.0'): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of Object.values(TOPICS)) {
    const id = channelId(topic);
    const channelMessages: Record<string, unknown> = {};
    for (const [type, schema] of Object.entries(EVENT_CATALOG[topic] as Record<string, z.ZodType>)) {
      messages[type] = {
        name: type,
        title: type,
        summary: schema.description ?? `${type} on ${topic}`,
        contentType: 'application/json',
        headers: { $ref: '#/components/schemas/CloudEventHeaders' },
        payload: jsonSchema(schema),
        bindings: { kafka: { key: { type: 'string', description: 'tenant id and aggregate id, joined by "/"' } } },
        ...(STATS_EXAMPLES[type] ? { examples: [{ name: `${type.split('.').slice(2).join('-')}-example`, payload: STATS_EXAMPLES[type] }] } : {}),
      };
      channelMessages[type] = { $ref: `#/components/messages/${type}` };
    }
    const role = TOPIC_ROLES[topic];
    channels[id] = {
      address: topic,
      description: role.description,
      messages: channelMessages,
      bindings: { kafka: { topic, bindingVersion: '0.5.0' } },
    };
    operations[`${role.action}${id[0].toUpperCase()}${id.slice(1)}`] = {
      action: role.action,
      channel: { $ref: `#/channels/${id}` },
      messages: Object.keys(channelMessages).map((type) => ({ $ref: `#/channels/${id}/messages/${type}` })),
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Tandem event topics',
      version,
      description:
        'Every Kafka topic of Tandem. Records are CloudEvents 1.0 in Kafka binary mode: attributes in ce_* headers plus tenant and W3C traceparent; the value is the JSON data described here.',
    },
    defaultContentType: 'application/json',
    servers: { kafka: { host: 'kafka:9092', protocol: 'kafka', description: 'The cluster Tandem is deployed with.' } },
    channels,
    operations,
    components: { schemas: { CloudEventHeaders: headersSchema() }, messages },
  };
}
