import { z } from 'zod';
import { ContractError } from './errors';
import { EVENT_CATALOG, EventDataOf, EventTypeOf } from './events/catalog';
import { Id } from './ids';
import { TopicName } from './topics';

/**
 * A CloudEvents 1.0 event as Tandem carries it in Kafka binary mode: the attributes travel as
 * `ce_*` record headers (plus `tenant` and W3C `traceparent`), the value is the JSON `data`.
 */
export interface CloudEvent<Type extends string = string, Data = unknown> {
  id: string;
  type: Type;
  source: string;
  specversion: '1.0';
  time: string;
  tenant: string;
  traceparent?: string;
  data: Data;
}

/** A union of every valid event of a topic, discriminated by `type`. */
export type TopicEvent<T extends TopicName> = {
  [E in EventTypeOf<T>]: CloudEvent<E, EventDataOf<T, E>>;
}[EventTypeOf<T>];

/** The events of one type of a topic (a discriminated union when `E` is a union of types). */
export type EventOfType<T extends TopicName, E extends EventTypeOf<T>> = E extends unknown ? CloudEvent<E, EventDataOf<T, E>> : never;

/** Header names of the binary-mode envelope. */
export const ENVELOPE_HEADERS = {
  id: 'ce_id',
  type: 'ce_type',
  source: 'ce_source',
  specversion: 'ce_specversion',
  time: 'ce_time',
  tenant: 'tenant',
  traceparent: 'traceparent',
  contentType: 'content-type',
} as const;

export const EnvelopeSchema = z.object({
  id: z.string().min(1).max(128),
  type: z.string().min(1).max(128),
  source: z.string().min(1).max(256),
  specversion: z.literal('1.0'),
  time: z.iso.datetime({ offset: true }),
  tenant: Id,
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/)
    .optional(),
});

/**
 * Checks an event against the envelope schema and the schema of its type on `topic`, returning the
 * typed event. Throws {@link ContractError} naming the offending field otherwise.
 */
export function validateEvent<T extends TopicName>(topic: T, event: unknown): TopicEvent<T> {
  if (typeof event !== 'object' || event === null) throw new ContractError('INVALID_ENVELOPE', `an event on ${topic} must be an object`);
  const { data, ...attributes } = event as Record<string, unknown>;
  const envelope = EnvelopeSchema.safeParse(attributes);
  if (!envelope.success) {
    throw new ContractError('INVALID_ENVELOPE', `invalid CloudEvents envelope on ${topic}: ${z.prettifyError(envelope.error)}`, envelope.error.issues);
  }
  const schemas = EVENT_CATALOG[topic] as Record<string, z.ZodType>;
  const schema = Object.prototype.hasOwnProperty.call(schemas, envelope.data.type) ? schemas[envelope.data.type] : undefined;
  if (!schema) {
    throw new ContractError('UNKNOWN_EVENT_TYPE', `topic ${topic} does not carry event type "${envelope.data.type}"`);
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new ContractError('INVALID_EVENT', `invalid ${envelope.data.type} on ${topic}: ${z.prettifyError(parsed.error)}`, parsed.error.issues);
  }
  return { ...envelope.data, data: parsed.data } as TopicEvent<T>;
}

/** Encodes an event as binary-mode record headers and a JSON value. */
export function encodeEvent(event: CloudEvent): { headers: Record<string, string>; value: Buffer } {
  const headers: Record<string, string> = {
    [ENVELOPE_HEADERS.id]: event.id,
    [ENVELOPE_HEADERS.type]: event.type,
    [ENVELOPE_HEADERS.source]: event.source,
    [ENVELOPE_HEADERS.specversion]: event.specversion,
    [ENVELOPE_HEADERS.time]: event.time,
    [ENVELOPE_HEADERS.tenant]: event.tenant,
    [ENVELOPE_HEADERS.contentType]: 'application/json',
  };
  if (event.traceparent) headers[ENVELOPE_HEADERS.traceparent] = event.traceparent;
  return { headers, value: Buffer.from(JSON.stringify(event.data)) };
}

/** Decodes binary-mode headers and value into an (unvalidated) event; pair with {@link validateEvent}. */
export function decodeEvent(headers: Record<string, string | undefined>, value: Buffer | null): Record<string, unknown> {
  let data: unknown;
  try {
    data = value === null ? null : JSON.parse(value.toString('utf8'));
  } catch {
    throw new ContractError('INVALID_EVENT', 'record value is not valid JSON');
  }
  const event: Record<string, unknown> = {
    id: headers[ENVELOPE_HEADERS.id],
    type: headers[ENVELOPE_HEADERS.type],
    source: headers[ENVELOPE_HEADERS.source],
    specversion: headers[ENVELOPE_HEADERS.specversion],
    time: headers[ENVELOPE_HEADERS.time],
    tenant: headers[ENVELOPE_HEADERS.tenant],
    data,
  };
  if (headers[ENVELOPE_HEADERS.traceparent]) event.traceparent = headers[ENVELOPE_HEADERS.traceparent];
  return event;
}
