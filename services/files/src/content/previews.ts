import type { FilePreview } from '@tandem/contracts';
import { dirname, join } from 'node:path';
import type { PreviewLimits, PreviewResult } from './content.protocol';

// Runs inside a content worker process only (see content.worker.ts): sharp and pdf.js parse untrusted
// bytes, so a crash or runaway there costs a worker, never the service.

type Progress = (progress: number, step: string) => void;
type Sharp = typeof import('sharp').default;

/** Native `import()` (the TypeScript output is CommonJS, which would turn it into `require`). */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const nativeImport = new Function('specifier', 'return import(specifier)') as <T>(specifier: string) => Promise<T>;

let sharpModule: Sharp | undefined;
function sharp(): Sharp {
  if (!sharpModule) {
    sharpModule = require('sharp') as Sharp;
    // One decode at a time and no cache: memory stays proportional to one capped image.
    sharpModule.cache(false);
    sharpModule.concurrency(1);
  }
  return sharpModule;
}

/** Makes the preview of a verified file from its bytes (all of them for images and PDFs, the head otherwise). */
export async function makePreview(bytes: Uint8Array, type: string, size: number, limits: PreviewLimits, progress: Progress): Promise<PreviewResult> {
  if (type.startsWith('image/')) return imagePreview(bytes, limits, progress);
  if (type === 'application/pdf') return pdfPreview(bytes, limits, progress);
  if (type.startsWith('text/')) return { preview: { kind: 'text', sizes: [], icon: 'text', snippet: snippetOf(bytes, limits.snippetChars) } };
  if (type.startsWith('audio/') || type.startsWith('video/')) {
    const durationSeconds = type === 'audio/wav' || type === 'audio/x-wav' ? wavDuration(bytes) : undefined;
    return { preview: { kind: 'icon', sizes: [], icon: type.startsWith('audio/') ? 'audio' : 'video', ...(durationSeconds !== undefined ? { durationSeconds } : {}) } };
  }
  if (type === 'application/zip') return { preview: { kind: 'icon', sizes: [], icon: 'archive' } };
  return { preview: { kind: 'generic', sizes: [], icon: 'file', note: `no preview for ${type} (${size} bytes)` } };
}

async function imagePreview(bytes: Uint8Array, limits: PreviewLimits, progress: Progress): Promise<PreviewResult> {
  // The header says how large the decoded image would be; nothing is decoded past the cap.
  const meta = await sharp()(bytes, { limitInputPixels: false }).metadata();
  const oriented = (meta.orientation ?? 1) >= 5;
  const width = (oriented ? meta.height : meta.width) ?? 0;
  const height = (oriented ? meta.width : meta.height) ?? 0;
  if (!width || !height || width * height > limits.maxPixels) {
    return { preview: { kind: 'generic', sizes: [], icon: 'image', width, height, note: `image too large to preview (${width}×${height})` } };
  }
  progress(0.3, 'decoding');
  const thumbnails = await thumbnailsOf(bytes, limits, progress, 0.3);
  return { preview: { kind: 'image', sizes: ['small', 'large'], icon: 'image', width, height }, ...thumbnails };
}

/** Small and large WebP thumbnails: EXIF orientation applied, metadata stripped (sharp keeps none unless asked). */
async function thumbnailsOf(image: Uint8Array, limits: PreviewLimits, progress: Progress, from: number): Promise<{ small: Uint8Array; large: Uint8Array }> {
  const make = (side: number) =>
    sharp()(image, { limitInputPixels: limits.maxPixels, failOn: 'error' })
      .rotate()
      .resize(side, side, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 78 })
      .toBuffer();
  const large = await make(limits.largeSide);
  progress(from + (1 - from) / 2, 'large thumbnail');
  const small = await make(limits.smallSide);
  progress(1, 'small thumbnail');
  return { small, large };
}

interface PdfJs {
  getDocument(options: Record<string, unknown>): { promise: Promise<PdfDocument> };
}
interface PdfDocument {
  numPages: number;
  canvasFactory: { create(w: number, h: number): { canvas: { toBuffer(type: 'image/png'): Buffer }; context: unknown } };
  getPage(n: number): Promise<{ getViewport(o: { scale: number }): { width: number; height: number }; render(o: Record<string, unknown>): { promise: Promise<void> } }>;
  destroy(): Promise<void>;
}

async function pdfPreview(bytes: Uint8Array, limits: PreviewLimits, progress: Progress): Promise<PreviewResult> {
  const pdfjs = await nativeImport<PdfJs>('pdfjs-dist/legacy/build/pdf.mjs');
  const fonts = join(dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + '/';
  const doc = await pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: fonts,
    isEvalSupported: false,
    disableFontFace: true,
    // Embedded images larger than the cap are skipped rather than decoded.
    maxImageSize: limits.maxPixels,
    verbosity: 0,
  }).promise;
  try {
    progress(0.2, 'parsing');
    const page = await doc.getPage(1);
    const base = page.getViewport({ scale: 1 });
    // Render the first page at the large thumbnail's size (never more than the pixel cap).
    let scale = limits.largeSide / Math.max(base.width, base.height);
    if (base.width * base.height * scale * scale > limits.maxPixels) scale = Math.sqrt(limits.maxPixels / (base.width * base.height));
    const viewport = page.getViewport({ scale });
    const { canvas, context } = doc.canvasFactory.create(Math.max(1, Math.ceil(viewport.width)), Math.max(1, Math.ceil(viewport.height)));
    await page.render({ canvas, canvasContext: context, viewport, background: '#ffffff' }).promise;
    progress(0.6, 'first page rendered');
    const png = canvas.toBuffer('image/png');
    const thumbnails = await thumbnailsOf(png, limits, progress, 0.6);
    return { preview: { kind: 'pdf', sizes: ['small', 'large'], icon: 'pdf', pages: doc.numPages, width: Math.round(base.width), height: Math.round(base.height) }, ...thumbnails };
  } finally {
    await doc.destroy();
  }
}

/** The first lines of a text file, without control characters (tabs and newlines kept). */
export function snippetOf(bytes: Uint8Array, chars: number): string {
  const text = new TextDecoder('utf-8').decode(bytes.subarray(0, chars * 4));
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f\u202a-\u202e\u2066-\u2069\ufffd]/g, '');
  return [...clean].slice(0, chars).join('').split('\n').slice(0, 40).join('\n');
}

/** Duration of a PCM WAV file from its header (cheap: no decoding). */
function wavDuration(bytes: Uint8Array): number | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.length < 44 || view.toString('latin1', 0, 4) !== 'RIFF' || view.toString('latin1', 8, 12) !== 'WAVE') return undefined;
  let offset = 12;
  let byteRate = 0;
  while (offset + 8 <= view.length) {
    const id = view.toString('latin1', offset, offset + 4);
    const length = view.readUInt32LE(offset + 4);
    if (id === 'fmt ' && offset + 16 <= view.length) byteRate = view.readUInt32LE(offset + 16);
    if (id === 'data') return byteRate > 0 ? Math.round((length / byteRate) * 100) / 100 : undefined;
    offset += 8 + length + (length % 2);
  }
  return undefined;
}

export type { FilePreview };
