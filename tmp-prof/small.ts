const A = require('@automerge/automerge');
import { createDoc, richtext } from '@tandem/documents';
let base: any = createDoc('richtext');
for (let i = 0; i < 3000; i++) base = A.change(base, (d: any) => richtext.insertText(d, Math.floor(i / 2), 'ab'[i % 2]));
const bytes = A.save(base);
for (const per of [1, 2, 5, 10, 25]) {
  let doc = A.load(bytes); let typist = A.load(bytes);
  typist = A.clone(typist, 'ab'.repeat(16));
  const ks = () => { typist = A.change(typist, (d: any) => richtext.insertText(d, 1500, 'y')); return A.getLastLocalChange(typist); };
  const N = 500; let t = 0;
  for (let i = 0; i < N / per; i++) { const b = Array.from({ length: per }, ks); const s = performance.now(); [doc] = A.applyChanges(doc, b); t += performance.now() - s; }
  console.log('per call', per, 'ms per change', (t / N).toFixed(3), 'ms per call', (t / (N / per)).toFixed(3));
}
