import { randomBytes } from 'node:crypto';

/** This gateway process's id: its consumer groups are its own, fresh at every start. */
export const GATEWAY_INSTANCE = `${process.env.HOSTNAME ?? 'gw'}-${randomBytes(4).toString('hex')}`;

/**
 * The consumer group through which this gateway reads a topic. Each gateway reads everything and
 * starts at the end (what happened before, clients load on join); Kafka drops the offsets of groups
 * of stopped gateways after `offsets.retention.minutes`.
 */
export function gatewayGroup(topic: 'docs' | 'presence' | 'acl' | 'chat' | 'files' | 'stats' | 'notifications'): string {
  return `gateway-${topic}-${GATEWAY_INSTANCE}`;
}
