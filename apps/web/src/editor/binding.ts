import * as A from '@automerge/automerge';
import type { DocHandle as BindingHandle } from '@automerge/prosemirror';
import type { DocHandleChangePayload } from '@automerge/prosemirror/dist/DocHandle.js';
import type { RichTextDoc } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';

type Callback = (p: DocHandleChangePayload<RichTextDoc>) => void;

/**
 * The SDK's document handle as the handle @automerge/prosemirror syncs with: `doc()`, `change()`,
 * and `change` events carrying the Automerge patches since the previous state (the SDK announces a
 * change without patches, so they are computed here from the heads before and after).
 * Every edit still goes through `handle.change`, i.e. the SDK's outbox and relay. `beforeRemote`
 * runs before others' changes are handed to the editor (it catches up with the caret, see the editor).
 */
export function bindingHandle(handle: DocHandle<'richtext'>, beforeRemote: () => void = () => undefined): BindingHandle<RichTextDoc> & { dispose(): void } {
  const callbacks = new Set<Callback>();
  let heads = A.getHeads(handle.doc);
  const stop = handle.onChange((doc, { origin }) => {
    const before = heads;
    heads = A.getHeads(doc);
    if (callbacks.size === 0) return;
    const patches = A.diff(doc, before, heads);
    if (patches.length === 0) return;
    if (origin === 'remote') beforeRemote();
    // The document object before the change is outdated once changed: read the old state as a view.
    const payload: DocHandleChangePayload<RichTextDoc> = { handle: self, doc, patches, patchInfo: { before: A.view(doc, before), after: doc, source: 'change' } as A.PatchInfo<RichTextDoc> };
    for (const c of callbacks) c(payload);
  });
  const self: BindingHandle<RichTextDoc> & { dispose(): void } = {
    doc: () => handle.doc,
    change: (fn) => handle.change(fn),
    on: (_event, callback) => void callbacks.add(callback),
    off: (_event, callback) => void callbacks.delete(callback),
    dispose: () => {
      stop();
      callbacks.clear();
    },
  };
  return self;
}
