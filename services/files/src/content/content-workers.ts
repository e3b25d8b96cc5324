import { ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { PreviewLimits, PreviewResult, SniffResult, WorkerReply, WorkerRequest } from './content.protocol';

export type ContentErrorCode = 'FAILED' | 'TIMEOUT' | 'CRASHED';

export class ContentError extends Error {
  constructor(
    readonly code: ContentErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ContentError';
  }
}

export interface ContentWorkersOptions {
  /** Worker processes; each handles one request at a time. */
  size: number;
  /** A request taking longer kills its worker (a fresh one takes its place). */
  timeoutMs: number;
  /** V8 heap cap of each worker in MiB (native memory is bounded by the pixel cap instead). */
  maxOldSpaceMb?: number;
}

type RequestBody = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'id'> : never) : never;

type Job = {
  request: RequestBody;
  onProgress?: (progress: number, step: string) => void;
  timeoutMs: number;
  resolve: (value: { result: unknown; maxRssBytes: number }) => void;
  reject: (error: Error) => void;
};

type Worker = { child: ChildProcess; busy?: { id: number; job: Job; timer: NodeJS.Timeout } };

/** The pool that sniffs types (so verification never waits behind a preview). */
export const SNIFF_WORKERS = Symbol('SniffWorkers');
/** The pool that makes previews. */
export const PREVIEW_WORKERS = Symbol('PreviewWorkers');

const WORKER = join(__dirname, 'content.worker.ts');
const REGISTER = join(__dirname, '..', '..', '..', '..', 'scripts', 'register.js');

/**
 * A pool of content worker processes (see content.worker.ts). A request that crashes or hangs its
 * worker fails on its own; the worker is replaced and the service goes on.
 */
export class ContentWorkers {
  private readonly workers: Worker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  /** Peak resident memory any worker reported, in bytes. */
  peakRssBytes = 0;

  constructor(private readonly options: ContentWorkersOptions) {}

  /** The type of a file's content from its first bytes. */
  async sniff(head: Uint8Array, name: string): Promise<SniffResult> {
    return (await this.run({ op: 'sniff', head, name })).result as SniffResult;
  }

  /** Makes the preview of a verified file. */
  async preview(bytes: Uint8Array, type: string, name: string, size: number, limits: PreviewLimits, onProgress?: (progress: number, step: string) => void, timeoutMs = this.options.timeoutMs): Promise<PreviewResult & { maxRssBytes: number }> {
    const { result, maxRssBytes } = await this.run({ op: 'preview', bytes, type, name, size, limits }, onProgress, timeoutMs);
    return { ...(result as PreviewResult), maxRssBytes };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new ContentError('CRASHED', 'the files service is shutting down'));
    await Promise.all(this.workers.splice(0).map((w) => this.stop(w)));
  }

  private run(request: RequestBody, onProgress?: Job['onProgress'], timeoutMs = this.options.timeoutMs): Promise<{ result: unknown; maxRssBytes: number }> {
    if (this.closed) return Promise.reject(new ContentError('CRASHED', 'the files service is shutting down'));
    return new Promise((resolve, reject) => {
      this.queue.push({ request, onProgress, timeoutMs, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let worker = this.workers.find((w) => !w.busy);
      if (!worker && this.workers.length < this.options.size) worker = this.spawn();
      if (!worker) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      const timer = setTimeout(() => this.fail(worker!, new ContentError('TIMEOUT', `gave up after ${job.timeoutMs} ms`)), job.timeoutMs);
      worker.busy = { id, job, timer };
      worker.child.send({ ...job.request, id } as WorkerRequest);
    }
  }

  private spawn(): Worker {
    const child = fork(WORKER, [], {
      execArgv: ['-r', REGISTER, `--max-old-space-size=${this.options.maxOldSpaceMb ?? 256}`],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const worker: Worker = { child };
    child.on('message', (reply: WorkerReply) => this.onReply(worker, reply));
    child.on('exit', (code, signal) => {
      const index = this.workers.indexOf(worker);
      if (index >= 0) this.workers.splice(index, 1);
      if (worker.busy) this.settle(worker, new ContentError('CRASHED', `the content worker exited (${signal ?? code}) while working on this file`));
      if (!this.closed) this.dispatch();
    });
    this.workers.push(worker);
    return worker;
  }

  private onReply(worker: Worker, reply: WorkerReply): void {
    const busy = worker.busy;
    if (!busy || busy.id !== reply.id) return;
    if (reply.kind === 'progress') {
      busy.job.onProgress?.(reply.progress, reply.step);
      return;
    }
    this.peakRssBytes = Math.max(this.peakRssBytes, reply.maxRssBytes);
    if (reply.kind === 'done') this.settle(worker, undefined, { result: reply.result, maxRssBytes: reply.maxRssBytes });
    else this.settle(worker, new ContentError('FAILED', reply.message));
    this.dispatch();
  }

  private fail(worker: Worker, error: ContentError): void {
    // Out of the pool at once, so nothing more is sent to the worker being killed.
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    this.settle(worker, error);
    void this.stop(worker);
    this.dispatch();
  }

  private settle(worker: Worker, error?: Error, value?: { result: unknown; maxRssBytes: number }): void {
    const busy = worker.busy;
    if (!busy) return;
    worker.busy = undefined;
    clearTimeout(busy.timer);
    if (error) busy.job.reject(error);
    else busy.job.resolve(value!);
  }

  private async stop(worker: Worker): Promise<void> {
    const { child } = worker;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  }
}
