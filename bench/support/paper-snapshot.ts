import * as A from '@automerge/automerge';
import { RichTextDoc, createDoc, richtext } from '@tandem/documents';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SequentialTrace, loadTrace } from '../../libs/documents/src/testing/traces';

/** The whole `automerge-paper` history as a saved rich-text document. */
export interface PaperSnapshot {
  /** `Automerge.save` of the document: every change of the trace, one per transaction. */
  bytes: Uint8Array;
  /** Its text (the trace's `endContent`). */
  text: string;
  changes: number;
  /** Time spent building it in this run (0 when it came from the cache). */
  builtSeconds: number;
  /** The document itself, loaded (the caller frees it). */
  doc: A.Doc<RichTextDoc>;
}

/**
 * Builds the paper as an SDK client typing it would (`createDoc('richtext')`, one `change()` per
 * transaction, ~25–60 s), or reads the copy an earlier run cached in the temporary directory
 * (named by the trace's hash, its text checked against `endContent`).
 */
export function paperSnapshot(log: (m: string) => void): PaperSnapshot {
  const trace = loadTrace<SequentialTrace>('automerge-paper.json.gz');
  const changes = trace.txns.length + 1; // + the kind's initial change
  const key = createHash('sha1').update(trace.endContent).update(String(trace.txns.length)).digest('hex').slice(0, 12);
  const cache = join(tmpdir(), `tandem-bench-automerge-paper-${key}.automerge`);
  if (existsSync(cache)) {
    const bytes = new Uint8Array(readFileSync(cache));
    const doc = A.load<RichTextDoc>(bytes);
    if (doc.text === trace.endContent) {
      log(`paper: cached snapshot ${cache} (${bytes.byteLength} bytes, ${changes} changes)`);
      return { bytes, text: doc.text, changes, builtSeconds: 0, doc };
    }
    A.free(doc);
    log(`paper: ${cache} does not hold the trace; building it again`);
  }
  log(`paper: building the document, ${trace.txns.length} transactions, one change() each…`);
  const started = performance.now();
  let doc = createDoc('richtext');
  for (const t of trace.txns) {
    doc = A.change(doc, (d) => {
      for (const [pos, del, ins] of t.patches) {
        if (del > 0) richtext.deleteText(d, pos, del);
        if (ins.length > 0) richtext.insertText(d, pos, ins);
      }
    });
  }
  if (doc.text !== trace.endContent) throw new Error('the replayed paper does not reach endContent');
  const bytes = A.save(doc);
  writeFileSync(cache, bytes);
  const builtSeconds = Math.round((performance.now() - started) / 100) / 10;
  log(`paper: built in ${builtSeconds} s, ${bytes.byteLength} bytes, cached in ${cache}`);
  return { bytes, text: trace.endContent, changes, builtSeconds, doc };
}
