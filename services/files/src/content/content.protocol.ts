import type { FilePreview } from '@tandem/contracts';

/** Limits a preview job runs under. */
export interface PreviewLimits {
  /** Images (and PDF pages) with more pixels are not decoded: they get a generic preview. */
  maxPixels: number;
  /** Longest side of the small and large thumbnails. */
  smallSide: number;
  largeSide: number;
  /** Characters of a text snippet. */
  snippetChars: number;
}

/** What the parent asks a content worker to do. */
export type WorkerRequest =
  | { id: number; op: 'sniff'; head: Uint8Array; name: string }
  | { id: number; op: 'preview'; bytes: Uint8Array; type: string; name: string; size: number; limits: PreviewLimits };

export type SniffResult = { type: string };
export type PreviewResult = { preview: FilePreview; small?: Uint8Array; large?: Uint8Array };

/** What a worker answers: progress along the way, then one result or error per request. */
export type WorkerReply =
  | { id: number; kind: 'progress'; progress: number; step: string }
  | { id: number; kind: 'done'; result: SniffResult | PreviewResult; maxRssBytes: number }
  | { id: number; kind: 'error'; message: string; maxRssBytes: number };
