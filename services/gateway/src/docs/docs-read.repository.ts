import { Inject, Injectable } from '@nestjs/common';
import type { DocKindName, DocSyncState, DocVersionView, ResourceState } from '@tandem/contracts';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

export class DocsUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

/** The docs service refused a read: `status` 404 (unknown document or version) or 400 (bad heads). */
export class DocsRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Reads document state from the docs service over HTTP (the gateway owns no domain state). */
@Injectable()
export class DocsReadRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async counter(tenant: string, docId: string): Promise<ResourceState> {
    return this.call<ResourceState>('GET', `/internal/docs/${encodeURIComponent(tenant)}/${encodeURIComponent(docId)}`);
  }

  /** What a client that synced to `heads` lacks (see `DocumentsService.sync`). */
  async sync(tenant: string, docId: string, kind: DocKindName, heads: string[], trigger: 'join' | 'gap'): Promise<DocSyncState> {
    const state = await this.call<Omit<DocSyncState, 'changes'> & { changes: string }>('POST', this.path(tenant, docId, 'sync'), { kind, heads, trigger }, 30_000);
    return { ...state, changes: new Uint8Array(Buffer.from(state.changes, 'base64')) };
  }

  async versions(tenant: string, docId: string, options: { gapMs?: number; maxChanges?: number }): Promise<{ versions: DocVersionView[] }> {
    const q = new URLSearchParams(Object.entries(options).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)]));
    return this.call('GET', `${this.path(tenant, docId, 'versions')}${q.size ? `?${q}` : ''}`, undefined, 30_000);
  }

  async view(tenant: string, docId: string, heads: string[]): Promise<{ heads: string[]; doc: unknown }> {
    return this.call('POST', this.path(tenant, docId, 'view'), { heads }, 30_000);
  }

  async diff(tenant: string, docId: string, from: string[], to: string[]): Promise<{ diff: unknown }> {
    return this.call('POST', this.path(tenant, docId, 'diff'), { from, to }, 30_000);
  }

  async restore(tenant: string, docId: string, heads: string[], userId: string, commandId: string): Promise<{ commandId: string; changed: boolean }> {
    return this.call('POST', this.path(tenant, docId, 'restore'), { heads, userId, commandId }, 30_000);
  }

  private path(tenant: string, docId: string, what: string): string {
    return `/internal/documents/${encodeURIComponent(tenant)}/${encodeURIComponent(docId)}/${what}`;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, body?: unknown, timeoutMs = 5_000): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.options.docsUrl()}${path}`, {
        method,
        headers: { ...internalHeaders(this.options.config), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new DocsUnavailableError(`the docs service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (res.status === 400 || res.status === 404) {
      const answer = (await res.json().catch(() => ({}))) as { message?: string | string[] };
      throw new DocsRequestError(res.status, [answer.message ?? `the docs service answered ${res.status}`].flat().join('; '));
    }
    if (!res.ok) throw new DocsUnavailableError(`the docs service answered ${res.status}; try again shortly`);
    return (await res.json()) as T;
  }
}
