import type { ResourceRef, ResourceRole } from '@tandem/contracts';
import type { Principal } from '@tandem/platform';

/** What one socket joined, with the role it holds there and the share link it used, if any. */
export interface JoinedResource {
  resource: ResourceRef;
  role: ResourceRole;
  linkId?: string;
}

/** Per-socket state kept in `socket.data`. */
export interface SocketSession {
  principal: Principal;
  /** By room name. */
  joined: Map<string, JoinedResource>;
  expiryTimers: ReturnType<typeof setTimeout>[];
}
