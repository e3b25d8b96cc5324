import type { MuteScope, NotificationLink, NotificationType } from '@tandem/contracts';

/**
 * A notification a source event asks for, before preferences and access are applied. Each source's
 * mapping is a pure function from one event to candidates.
 */
export interface Candidate {
  userId: string;
  type: NotificationType;
  title: string;
  body: string;
  actorId: string | null;
  link: NotificationLink;
  scopes: MuteScope[];
  /** Derived from the source (never from the delivery): the same source gives the same key. */
  idempotencyKey: string;
  /** The user must be able to read this document (checked against the ACLs seen on `acl.v1`). */
  requiresDoc: string | null;
}

/** At most `max` characters, on one line. */
export function clip(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
