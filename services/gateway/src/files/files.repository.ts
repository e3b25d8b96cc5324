import { Inject, Injectable } from '@nestjs/common';
import { internalHeaders } from '@tandem/platform';
import { GATEWAY_OPTIONS, GatewayOptions } from '../gateway.options';

/** A files-service answer passed on to the client as it is (status and `{ code, message }` or the result). */
export type FilesAnswer<T = unknown> = { status: number; body: T };

export class FilesUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
}

/** Calls the files service's internal API (the gateway owns no file state and never carries bytes). */
@Injectable()
export class FilesRepository {
  constructor(@Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions) {}

  async call<T>(method: string, tenant: string, path: string, body?: unknown): Promise<FilesAnswer<T>> {
    let base: string | undefined;
    try {
      base = this.options.filesUrl?.() ?? this.options.config.FILES_URL;
    } catch (error) {
      throw new FilesUnavailableError((error as Error).message);
    }
    if (!base) throw new FilesUnavailableError('FILES_URL is not set: point the gateway at the files service, e.g. http://files:3000');
    let res: Response;
    try {
      res = await fetch(`${base}/internal/files/${encodeURIComponent(tenant)}${path}`, {
        method,
        headers: { ...internalHeaders(this.options.config), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      throw new FilesUnavailableError(`the files service did not answer (${(error as Error).message}); try again shortly`);
    }
    if (res.status >= 500 && res.status !== 503 && res.status !== 507) throw new FilesUnavailableError(`the files service answered ${res.status}; try again shortly`);
    return { status: res.status, body: (await res.json()) as T };
  }
}
