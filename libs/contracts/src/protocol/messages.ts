import { z } from 'zod';
import { CommandId, Id } from '../ids';

/**
 * The client ↔ gateway protocol, carried over Socket.IO. Clients send `join`, `leave` and `command`
 * (each with an acknowledgement callback); the gateway pushes `event`s to the rooms a client joined.
 * Every message is a discriminated union on `type`.
 */

/** A resource a client can join: its room receives the resource's events. */
export const ResourceRef = z.object({ kind: z.enum(['doc']), id: Id }).strict();
export type ResourceRef = z.infer<typeof ResourceRef>;

export const JoinMessage = z.object({ type: z.literal('join'), resource: ResourceRef }).strict();
export const LeaveMessage = z.object({ type: z.literal('leave'), resource: ResourceRef }).strict();

export const CounterIncrementCommand = z
  .object({
    type: z.literal('doc.counter.increment'),
    commandId: CommandId,
    docId: Id,
    by: z.number().int().min(-1_000_000).max(1_000_000),
  })
  .strict();

/** Every command a client may send. The gateway acknowledges it only once Kafka has it durably. */
export const ClientCommand = z.discriminatedUnion('type', [CounterIncrementCommand]);
export type ClientCommand = z.infer<typeof ClientCommand>;
export type JoinMessage = z.infer<typeof JoinMessage>;
export type LeaveMessage = z.infer<typeof LeaveMessage>;

/** The current state of a joined resource, returned in the join acknowledgement. */
export type ResourceState = { kind: 'doc'; docId: string; docType: 'counter'; seq: number; value: number };

/** Events pushed by the gateway to a room. */
export type ServerEvent = {
  type: 'doc.counter.changed';
  docId: string;
  seq: number;
  value: number;
  commandIds: string[];
};

/** Codes of protocol errors; every failed acknowledgement carries one and a message saying what to do. */
export type ProtocolErrorCode = 'INVALID_MESSAGE' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAVAILABLE' | 'RATE_LIMITED' | 'INTERNAL';

export type ProtocolError = { code: ProtocolErrorCode; message: string };

export type Ack<T = object> = ({ ok: true } & T) | { ok: false; error: ProtocolError };
export type JoinAck = Ack<{ state: ResourceState }>;
export type CommandAck = Ack<{ commandId: string }>;

/** Socket.IO event map, client → server. */
export interface ClientToServerEvents {
  join(message: JoinMessage, ack: (result: JoinAck) => void): void;
  leave(message: LeaveMessage, ack: (result: Ack) => void): void;
  command(message: ClientCommand, ack: (result: CommandAck) => void): void;
}

/** Socket.IO event map, server → client. */
export interface ServerToClientEvents {
  event(message: ServerEvent): void;
}

/** Socket.IO room name of a resource, tenant-scoped so tenants never share a room. */
export function roomOf(tenant: string, resource: ResourceRef): string {
  return `t:${tenant}:${resource.kind}:${resource.id}`;
}
