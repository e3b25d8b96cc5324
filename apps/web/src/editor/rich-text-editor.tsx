import 'prosemirror-view/style/prosemirror.css';
import * as A from '@automerge/automerge';
import { pmDocFromSpans, syncPlugin } from '@automerge/prosemirror';
import { richtext } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { history } from 'prosemirror-history';
import { keymap } from 'prosemirror-keymap';
import { EditorState, Plugin, TextSelection } from 'prosemirror-state';
import { Decoration, DecorationSet, EditorView } from 'prosemirror-view';
import { useEffect, useRef, useState } from 'preact/hooks';
import { colourOf, Workspace } from '../lib/workspace';
import { bindingHandle } from './binding';
import { baseKeymap, editorKeymap } from './commands';
import { cursorsOf } from './positions';
import { keepRemoteCursors, remoteCursorsKey, remoteCursorsPlugin, setRemoteCursor } from './remote-cursors';
import { adapter, schema } from './schema';
import { Toolbar } from './toolbar';

/**
 * The rich-text editor: ProseMirror bound to the document through @automerge/prosemirror (every
 * edit is one Automerge change through the SDK handle; changes from others arrive as patches),
 * a toolbar with keyboard shortcuts, and other people's carets and selections with their names and
 * colours, exchanged as Automerge cursors through presence.
 */
export function RichTextEditor({ ws, handle, present }: { ws: Workspace; handle: DocHandle<'richtext'>; present: string[] }) {
  const mount = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<EditorView | null>(null);
  const [, setTick] = useState(0);
  const [linking, setLinking] = useState(false);
  const canEdit = () => handle.role !== 'viewer' && handle.role !== 'commenter';

  useEffect(() => {
    // Blocks from before the editor (plain-string types) are rewritten once, so the binding reads them.
    if (canEdit()) {
      try {
        handle.change((d) => void richtext.normalizeBlocks(d));
      } catch (e) {
        ws.toast('Document not upgraded', (e as Error).message);
      }
    }
    let view: EditorView | undefined;
    const binding = bindingHandle(handle, () => view && catchUpSelection(view));
    let lastSent = '';
    let lastTyping = 0;
    const presence = new Plugin({
      view: () => ({
        update(v, prev) {
          if (!v.hasFocus() || (prev.selection.eq(v.state.selection) && prev.doc.eq(v.state.doc))) return;
          const cursor = cursorsOf(handle.doc, v.state.selection.anchor, v.state.selection.head);
          const key = `${cursor.anchor} ${cursor.head}`;
          if (key !== lastSent) {
            lastSent = key;
            ws.client.presence.moveCursor(handle.docId, cursor);
          }
          if (!prev.doc.eq(v.state.doc) && Date.now() - lastTyping > 2000) {
            lastTyping = Date.now();
            void ws.client.presence.typing(handle.docId, true, 'editing').catch(() => undefined);
          }
        },
      }),
    });
    const state = EditorState.create({
      schema,
      doc: pmDocFromSpans(adapter, A.spans(handle.doc, richtext.TEXT_PATH)),
      plugins: [
        keymap(editorKeymap(() => setLinking(true))),
        keymap(baseKeymap),
        history(),
        syncPlugin({ adapter, handle: binding, path: richtext.TEXT_PATH }),
        remoteCursorsPlugin(() => handle.doc),
        placeholder(() => (canEdit() ? 'Start writing…' : 'You can view this document')),
        presence,
      ],
    });
    const v = new EditorView(mount.current!, {
      state,
      editable: canEdit,
      attributes: { class: 'editor', role: 'textbox', 'aria-multiline': 'true', 'aria-label': 'Document text', spellcheck: 'true' },
      dispatchTransaction(tr) {
        try {
          v.updateState(v.state.apply(tr));
        } catch (e) {
          ws.toast('Edit not applied', (e as Error).message);
        }
        setTick((n) => n + 1);
      },
    });
    view = v;
    setView(v);
    const stopCursors = ws.client.presence.onCursor(handle.docId, ({ userId, name, cursor }) => {
      if (userId === ws.session.userId || cursor.anchor === undefined || cursor.head === undefined) return;
      catchUpSelection(v);
      v.dispatch(v.state.tr.setMeta(remoteCursorsKey, setRemoteCursor({ userId, name, colour: colourOf(userId), anchor: cursor.anchor, head: cursor.head })));
    });
    return () => {
      stopCursors();
      binding.dispose();
      v.destroy();
      setView(null);
    };
  }, [handle]);

  // Carets of people who left go away.
  useEffect(() => {
    if (!view || present.length === 0) return;
    catchUpSelection(view);
    view.dispatch(view.state.tr.setMeta(remoteCursorsKey, keepRemoteCursors(new Set(present))));
  }, [view, present.join()]);

  return (
    <div class="editor-wrap">
      {view && canEdit() && <Toolbar view={view} handle={handle} linking={linking} setLinking={setLinking} onError={(m) => ws.toast('Edit not applied', m)} />}
      <div ref={mount} class="editor-mount" />
    </div>
  );
}

/** The grey hint in an empty document. */
function placeholder(text: () => string): Plugin {
  return new Plugin({
    props: {
      decorations(state) {
        const doc = state.doc;
        if (doc.childCount !== 1 || !doc.firstChild!.isTextblock || doc.firstChild!.content.size > 0) return DecorationSet.empty;
        return DecorationSet.create(doc, [Decoration.node(0, doc.firstChild!.nodeSize, { class: 'placeholder', 'data-placeholder': text() })]);
      },
    },
  });
}

/**
 * Takes the caret where the browser has it, before a transaction that is not the user's (someone's
 * edit, caret or departure) is dispatched. A key that moves the caret (Home, Ctrl+Home, arrows) moves
 * it in the page at once, and ProseMirror learns of it from the `selectionchange` event a moment later;
 * a transaction in between redraws the text and puts the caret back where ProseMirror last had it,
 * so what the user types next went to the old place (the editor e2e test holds `selectionchange` back
 * to show it). Not this: ProseMirror itself undoes a move to the very start within 200 ms of the
 * editor gaining focus, taking it for the browser's reset (the e2e tests click, then wait).
 */
export function catchUpSelection(view: EditorView): void {
  if (!view.hasFocus()) return;
  const sel = view.dom.ownerDocument.getSelection();
  if (!sel?.anchorNode || !sel.focusNode || !view.dom.contains(sel.anchorNode) || !view.dom.contains(sel.focusNode)) return;
  let anchor: number;
  let head: number;
  try {
    anchor = view.posAtDOM(sel.anchorNode, sel.anchorOffset);
    head = view.posAtDOM(sel.focusNode, sel.focusOffset);
  } catch {
    return; // inside a widget (someone's caret) or a node ProseMirror does not map: keep its own
  }
  const current = view.state.selection;
  if (anchor === current.anchor && head === current.head) return;
  view.dispatch(view.state.tr.setSelection(TextSelection.between(view.state.doc.resolve(anchor), view.state.doc.resolve(head))));
}
