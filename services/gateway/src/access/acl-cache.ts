import { Injectable } from '@nestjs/common';
import { AclState, ResourceRef } from '@tandem/contracts';
import { AclRepository } from './acl.repository';

/** ACLs kept per gateway at most; the least recently used are dropped (and reloaded when needed). */
export const ACL_CACHE_SIZE = 10_000;

/**
 * The ACLs of the resources this gateway's sockets use: loaded from the owning service on first use
 * (one request per resource however many sockets ask at once), then kept current by `acl.v1`.
 * Bounded, so no gateway holds a whole tenant's ACL.
 */
@Injectable()
export class AclCache {
  private readonly entries = new Map<string, AclState>();
  private readonly loading = new Map<string, Promise<AclState>>();

  constructor(private readonly repository: AclRepository) {}

  async get(tenant: string, resource: ResourceRef): Promise<AclState> {
    const key = keyOf(tenant, resource);
    const hit = this.entries.get(key);
    if (hit) {
      this.touch(key, hit);
      return hit;
    }
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.repository.load(tenant, resource).then(
        (acl) => {
          this.loading.delete(key);
          // A change may have arrived while loading: keep the newer one.
          const current = this.entries.get(key);
          if (!current || current.version < acl.version) this.touch(key, acl);
          return this.entries.get(key)!;
        },
        (error) => {
          this.loading.delete(key);
          throw error;
        },
      );
      this.loading.set(key, pending);
    }
    return pending;
  }

  /** Applies a change from `acl.v1` (older versions than the one held are ignored). */
  apply(tenant: string, acl: AclState): void {
    const key = keyOf(tenant, acl.resource);
    const current = this.entries.get(key);
    if (current && current.version >= acl.version) return;
    if (current || this.loading.has(key)) this.touch(key, acl);
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: string, acl: AclState): void {
    this.entries.delete(key);
    this.entries.set(key, acl);
    if (this.entries.size > ACL_CACHE_SIZE) this.entries.delete(this.entries.keys().next().value!);
  }
}

function keyOf(tenant: string, resource: ResourceRef): string {
  return `${tenant}/${resource.kind}:${resource.id}`;
}
