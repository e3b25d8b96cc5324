import * as A from '@automerge/automerge';
import { richtext, RichTextDoc } from '@tandem/documents';
import { Plugin, PluginKey } from 'prosemirror-state';
import { Decoration, DecorationSet } from 'prosemirror-view';
import { positionsOf } from './positions';

/** Someone else's caret and selection, as the Automerge cursors they sent. */
export interface RemoteCursor {
  userId: string;
  name: string;
  colour: string;
  anchor: string;
  head: string;
}

type Meta = { set: RemoteCursor } | { keep: Set<string> };

export const remoteCursorsKey = new PluginKey<Map<string, RemoteCursor>>('tandem-remote-cursors');

/**
 * Shows other people's carets (with their names) and selections (in their colours). Their cursors
 * are Automerge cursors, resolved against the current document on every change, so they stay on
 * the character they were on whatever anyone types. Feed it with {@link setRemoteCursor}.
 */
export function remoteCursorsPlugin(currentDoc: () => A.Doc<RichTextDoc>): Plugin<Map<string, RemoteCursor>> {
  return new Plugin<Map<string, RemoteCursor>>({
    key: remoteCursorsKey,
    state: {
      init: () => new Map(),
      apply(tr, value) {
        const meta = tr.getMeta(remoteCursorsKey) as Meta | undefined;
        if (!meta) return value;
        const next = new Map(value);
        if ('set' in meta) next.set(meta.set.userId, meta.set);
        else for (const id of next.keys()) if (!meta.keep.has(id)) next.delete(id);
        return next;
      },
    },
    props: {
      decorations(state) {
        const cursors = remoteCursorsKey.getState(state);
        if (!cursors || cursors.size === 0) return DecorationSet.empty;
        const doc = currentDoc();
        const spans = A.spans(doc, richtext.TEXT_PATH);
        const decorations: Decoration[] = [];
        for (const c of cursors.values()) {
          const at = positionsOf(doc, state.doc, c, spans);
          if (!at) continue;
          const [from, to] = [Math.min(at.anchor, at.head), Math.max(at.anchor, at.head)];
          if (from < to) decorations.push(Decoration.inline(from, to, { class: 'remote-selection', style: `background-color: ${c.colour}33`, 'data-user': c.userId }));
          decorations.push(Decoration.widget(at.head, () => caret(c), { key: `${c.userId}:${c.name}:${c.colour}`, side: -1, ignoreSelection: true, marks: [] }));
        }
        return DecorationSet.create(state.doc, decorations);
      },
    },
  });
}

function caret(c: RemoteCursor): HTMLElement {
  const el = document.createElement('span');
  el.className = 'remote-cursor';
  el.dataset.user = c.userId;
  el.setAttribute('aria-hidden', 'true');
  // Not part of the text: the caret never goes into it, and it is never typed into.
  el.contentEditable = 'false';
  el.style.setProperty('--cursor-colour', c.colour);
  const name = document.createElement('span');
  name.className = 'caret-name';
  name.textContent = c.name;
  el.appendChild(name);
  return el;
}

/** Meta for a transaction that sets one person's cursor. */
export const setRemoteCursor = (cursor: RemoteCursor): Meta => ({ set: cursor });
/** Meta for a transaction that drops the cursors of everybody not in `keep` (they left). */
export const keepRemoteCursors = (keep: Set<string>): Meta => ({ keep });
