import { ContractError, TopicEvent, TopicName, decodeEvent, encodeEvent, validateEvent } from '@tandem/contracts';
import type { ConsumedRecord, InvalidRecord, PublishRecord } from './event-bus.port';

/** An encoded record as both adapters store and transport it (Kafka binary mode). */
export interface WireRecord {
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/** Validates and encodes a batch; throws before anything is encoded if one record is invalid. */
export function encodeRecords<T extends TopicName>(topic: T, records: readonly PublishRecord<T>[]): WireRecord[] {
  for (const record of records) {
    if (typeof record.key !== 'string' || record.key.length === 0) throw new ContractError('INVALID_EVENT', `a record on ${topic} needs a non-empty key`);
    validateEvent(topic, record.event);
  }
  return records.map((record) => ({ key: record.key, ...encodeEvent(record.event) }));
}

/** Decodes and validates one consumed record, or describes why it is invalid. */
export function decodeRecord<T extends TopicName>(
  topic: T,
  partition: number,
  offset: string,
  key: string | null,
  headers: Record<string, string | undefined>,
  value: Buffer | null,
): { record: ConsumedRecord<T> } | { invalid: InvalidRecord } {
  try {
    const event: TopicEvent<T> = validateEvent(topic, decodeEvent(headers, value));
    if (key === null) throw new ContractError('INVALID_EVENT', 'record has no key');
    return { record: { topic, partition, offset, key, event } };
  } catch (error) {
    return { invalid: { topic, partition, offset, key, error: error as Error, headers, value } };
  }
}
