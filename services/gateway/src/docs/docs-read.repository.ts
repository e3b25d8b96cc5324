import { Inject, Injectable } from '@nestjs/common';
import type { ResourceState } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

export class DocsUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

/** Reads document state from the docs service over HTTP (the gateway owns no domain state). */
@Injectable()
export class DocsReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async counter(tenant: string, docId: string): Promise<ResourceState> {
    const url = `${this.options.docsUrl()}/internal/docs/${encodeURIComponent(tenant)}/${encodeURIComponent(docId)}`;
    let res: Response;
    try {
      res = await fetch(url, { headers: internalHeaders(this.options.config), signal: AbortSignal.timeout(5_000) });
    } catch (error) {
      throw new DocsUnavailableError(`the docs service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (!res.ok) throw new DocsUnavailableError(`the docs service answered ${res.status}; try again shortly`);
    return (await res.json()) as ResourceState;
  }
}
