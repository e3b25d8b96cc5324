import { Inject, Injectable } from '@nestjs/common';
import { AclState, ResourceRef } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { DocsUnavailableError } from '../docs/docs-read.repository';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** Loads a resource's ACL from the service that owns the resource (documents: the docs service). */
@Injectable()
export class AclRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async load(tenant: string, resource: ResourceRef): Promise<AclState> {
    const url = `${this.options.docsUrl()}/internal/acl/${encodeURIComponent(tenant)}/${resource.kind}/${encodeURIComponent(resource.id)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: internalHeaders(this.options.config), signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new DocsUnavailableError(`the docs service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (!res.ok) throw new DocsUnavailableError(`the docs service answered ${res.status} for an ACL; try again shortly`);
    return AclState.parse(await res.json());
  }
}
