import type { SniffResult, WorkerReply, WorkerRequest } from './content.protocol';
import { makePreview } from './previews';
import { textTypeOf } from './sniff';
import { SNIFF_BYTES } from './content.worker.constants';

/**
 * A content worker process: decides real types (file-type) and makes previews (sharp, pdf.js) for
 * the files service, one request at a time, over IPC. Untrusted bytes are parsed only here.
 */

// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;
type FileTypeModule = { fileTypeFromBuffer(buffer: Uint8Array): Promise<{ mime: string } | undefined> };
let fileType: Promise<FileTypeModule> | undefined;


async function sniff(head: Uint8Array, name: string): Promise<SniffResult> {
  fileType ??= nativeImport<FileTypeModule>('file-type');
  const detected = await (await fileType).fileTypeFromBuffer(head);
  return { type: detected?.mime ?? textTypeOf(head, name, head.length >= SNIFF_BYTES) };
}

const maxRss = () => process.resourceUsage().maxRSS * 1024;
const send = (reply: WorkerReply) => process.send!(reply);

let queue = Promise.resolve();
process.on('message', (request: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const result =
        request.op === 'sniff'
          ? await sniff(request.head, request.name)
          : await makePreview(request.bytes, request.type, request.size, request.limits, (progress, step) => send({ id: request.id, kind: 'progress', progress, step }));
      send({ id: request.id, kind: 'done', result, maxRssBytes: maxRss() });
    } catch (error) {
      send({ id: request.id, kind: 'error', message: (error as Error).message.slice(0, 400), maxRssBytes: maxRss() });
    }
  });
});
process.on('disconnect', () => process.exit(0));
