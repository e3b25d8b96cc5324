import type { AttachmentTarget, FileList, FileUrls, FileView, FilesErrorCode, FilesSettingsRequest, FilesUsage, ServerEvent, UploadTicket } from '@tandem/contracts';

/** A file event of a room the client joined. */
export type FileEvent = Extract<ServerEvent, { type: `file.${string}` }>;

/** The bytes to upload: a Blob/File in browsers, a Uint8Array/Buffer anywhere. */
export type UploadData = Blob | Uint8Array;

export interface UploadOptions {
  /** The file name (sanitised by the server). */
  name: string;
  /** The type the client believes it is; the server decides by content. Defaults to the Blob's type. */
  type?: string;
  /** Where the file is attached: a document, a card, a channel or a message. */
  target: AttachmentTarget;
  /** Bytes stored so far out of the total (fine-grained with XHR in browsers, per part otherwise). */
  onProgress?: (sent: number, total: number) => void;
  signal?: AbortSignal;
}

/** An error of the files API; `code` says what kind, `fileId` names an upload that can be resumed. */
export class FilesApiError extends Error {
  constructor(
    readonly code: FilesErrorCode | 'NETWORK',
    message: string,
    readonly status: number,
    readonly fileId?: string,
  ) {
    super(message);
    this.name = 'FilesApiError';
  }
}

const PART_ATTEMPTS = 3;

/**
 * Files: uploads straight to object storage through presigned URLs (multipart and resumable for
 * large files), lists, read URLs, deletion, usage, and the file events of joined rooms.
 */
export class FilesApi {
  private readonly listeners = new Set<(event: FileEvent) => void>();

  constructor(
    private readonly baseUrl: string,
    private readonly getToken: () => string | Promise<string>,
  ) {}

  /**
   * Uploads a file: asks for a ticket, PUTs the bytes (in parts for large files, each retried), and
   * completes it. Resolves with the verified file (previews follow as `file.preview.ready`). If the
   * connection drops for good, rejects with a {@link FilesApiError} whose `fileId` {@link resume} takes.
   */
  async upload(data: UploadData, options: UploadOptions): Promise<FileView> {
    const type = options.type ?? (data instanceof Uint8Array ? '' : data.type) ?? '';
    const ticket = await this.request<UploadTicket>('POST', '/uploads', { name: options.name, size: sizeOf(data), type: type || 'application/octet-stream', target: options.target });
    return this.send(ticket, data, options);
  }

  /** Continues an interrupted upload with the same bytes: sends only the parts the store does not have. */
  async resume(fileId: string, data: UploadData, options: Pick<UploadOptions, 'onProgress' | 'signal'> = {}): Promise<FileView> {
    const ticket = await this.request<UploadTicket>('GET', `/${encodeURIComponent(fileId)}/upload`);
    return this.send(ticket, data, options);
  }

  list(target: { kind: 'doc' | 'channel'; id: string }): Promise<FileList> {
    return this.request('GET', `?kind=${target.kind}&id=${encodeURIComponent(target.id)}`);
  }

  get(fileId: string): Promise<FileView> {
    return this.request('GET', `/${encodeURIComponent(fileId)}`);
  }

  /** Short-lived download and preview URLs (only for users who may read the file's document or channel). */
  urls(fileId: string): Promise<FileUrls> {
    return this.request('GET', `/${encodeURIComponent(fileId)}/urls`);
  }

  async delete(fileId: string): Promise<void> {
    await this.request('DELETE', `/${encodeURIComponent(fileId)}`);
  }

  usage(): Promise<FilesUsage> {
    return this.request('GET', '/usage');
  }

  /** Workspace admins: the tenant's quota and allowed types. */
  setSettings(settings: FilesSettingsRequest): Promise<FilesUsage> {
    return this.request('PUT', '/settings', settings);
  }

  /** Calls `listener` with every file event of the rooms this client is in; returns a function that stops it. */
  onEvent(listener: (event: FileEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the file once its preview is ready (or rejects if it failed), from the room's events. */
  whenReady(fileId: string, timeoutMs = 60_000): Promise<FileView> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        stop();
        reject(new FilesApiError('UNAVAILABLE', `no preview of ${fileId} within ${timeoutMs} ms`, 0, fileId));
      }, timeoutMs);
      const stop = this.onEvent((event) => {
        if (event.type === 'file.preview.ready' && event.file.fileId === fileId) {
          clearTimeout(timer);
          stop();
          resolve(event.file);
        } else if (event.type === 'file.failed' && event.fileId === fileId) {
          clearTimeout(timer);
          stop();
          reject(new FilesApiError(event.reason === 'TYPE_NOT_ALLOWED' || event.reason === 'SIZE_MISMATCH' ? event.reason : 'UNAVAILABLE', event.message, 0, fileId));
        }
      });
    });
  }

  /** @internal Called by the client for each file event. */
  dispatch(event: FileEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private async send(ticket: UploadTicket, data: UploadData, options: Pick<UploadOptions, 'onProgress' | 'signal'>): Promise<FileView> {
    const total = sizeOf(data);
    try {
      if (ticket.mode === 'single') {
        await withRetries(() => putBytes(ticket.url, data, (sent) => options.onProgress?.(sent, total), options.signal), options.signal);
      } else {
        let stored = ticket.done.reduce((sum, n) => sum + partLength(n, ticket.partSize, total), 0);
        options.onProgress?.(stored, total);
        for (const part of ticket.parts) {
          const start = (part.partNumber - 1) * ticket.partSize;
          const bytes = slice(data, start, Math.min(total, start + ticket.partSize));
          await withRetries(() => putBytes(part.url, bytes, (sent) => options.onProgress?.(stored + sent, total), options.signal), options.signal);
          stored += sizeOf(bytes);
          options.onProgress?.(stored, total);
        }
      }
    } catch (error) {
      if (error instanceof FilesApiError) throw new FilesApiError(error.code, `${error.message}; resume with files.resume("${ticket.fileId}", data)`, error.status, ticket.fileId);
      throw error;
    }
    return this.request<FileView>('POST', `/${encodeURIComponent(ticket.fileId)}/complete`);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}/api/v1/files${path}`, {
        method,
        headers: { authorization: `Bearer ${await this.getToken()}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new FilesApiError('NETWORK', `the server could not be reached (${(error as Error).message}); try again`, 0);
    }
    const answer = (await res.json().catch(() => ({}))) as T & { code?: FilesErrorCode; message?: string };
    if (!res.ok) throw new FilesApiError(answer.code ?? 'UNAVAILABLE', answer.message ?? `the server answered ${res.status}`, res.status);
    return answer;
  }
}

function sizeOf(data: UploadData): number {
  return data instanceof Uint8Array ? data.byteLength : data.size;
}

function slice(data: UploadData, start: number, end: number): UploadData {
  return data instanceof Uint8Array ? data.subarray(start, end) : data.slice(start, end);
}

function partLength(partNumber: number, partSize: number, total: number): number {
  return Math.max(0, Math.min(partSize, total - (partNumber - 1) * partSize));
}

async function withRetries(put: () => Promise<void>, signal?: AbortSignal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await put();
    } catch (error) {
      const retriable = error instanceof FilesApiError && (error.code === 'NETWORK' || error.status >= 500);
      if (!retriable || attempt >= PART_ATTEMPTS || signal?.aborted) throw error;
      await new Promise((r) => setTimeout(r, 250 * 2 ** attempt));
    }
  }
}

/** PUTs bytes to a presigned URL: XHR in browsers (upload progress events), fetch elsewhere. */
function putBytes(url: string, data: UploadData, onProgress: (sent: number) => void, signal?: AbortSignal): Promise<void> {
  if (typeof XMLHttpRequest !== 'undefined') {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', url);
      xhr.upload.onprogress = (e) => onProgress(e.loaded);
      xhr.onload = () => (xhr.status < 300 ? resolve() : reject(new FilesApiError('UNAVAILABLE', `the object store answered ${xhr.status}`, xhr.status)));
      xhr.onerror = () => reject(new FilesApiError('NETWORK', 'the upload was interrupted', 0));
      signal?.addEventListener('abort', () => xhr.abort());
      xhr.onabort = () => reject(new FilesApiError('NETWORK', 'the upload was aborted', 0));
      xhr.send(data as XMLHttpRequestBodyInit);
    });
  }
  return fetch(url, { method: 'PUT', body: data as BodyInit, signal }).then(
    async (res) => {
      await res.arrayBuffer().catch(() => undefined);
      if (!res.ok) throw new FilesApiError('UNAVAILABLE', `the object store answered ${res.status}`, res.status);
    },
    (error: Error) => {
      throw new FilesApiError('NETWORK', `the upload was interrupted (${error.message})`, 0);
    },
  );
}
