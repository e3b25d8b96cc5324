/** One live member of a presence set: a connection, a user on a device, a typist. */
export interface PresenceEntry {
  member: string;
  data: string;
  expiresAt: number;
}

/**
 * The presence store port: Redis in production, process memory in embedded mode. Holds ephemeral
 * sets whose members expire unless refreshed (heartbeats), so a crashed gateway cannot leave anyone
 * present forever. Nothing here is persisted beyond the session.
 */
export interface PresenceStore {
  /** Adds or refreshes `member` of `set`, live for `ttlMs` from now. */
  upsert(set: string, member: string, data: string, ttlMs: number): Promise<void>;
  /** Removes `member` at once (a clean leave). */
  remove(set: string, member: string): Promise<void>;
  /** Live members of `set`, sorted by member. */
  list(set: string): Promise<PresenceEntry[]>;
  /** Removes the members of `set` whose TTL passed and returns them (once), for "left" events. */
  takeExpired(set: string): Promise<string[]>;
  checkReady(): Promise<void>;
  close(): Promise<void>;
}

export const PRESENCE_STORE = Symbol('PresenceStore');
