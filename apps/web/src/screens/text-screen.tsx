import { richtext } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { DocHeader } from '../components/doc-header';
import { useDocument } from '../lib/open-doc';
import { colourOf, Workspace } from '../lib/workspace';
import { HistoryPanel } from './history-panel';

const MARKER = '\uFFFC';
type Remote = { userId: string; name: string; anchor: number; head: number; at: number };

/**
 * A rich-text document edited as text: each block is a line (Enter starts a new block, Backspace at a
 * line's start joins it), every keystroke an Automerge change through the SDK, other people's cursors
 * and selections shown with their names and colours, and your selection kept through their edits.
 */
export function TextScreen({ ws, docId, title }: { ws: Workspace; docId: string; title: string }) {
  const { handle, error, roster } = useDocument(ws, docId, 'richtext');
  const [history, setHistory] = useState(false);
  return (
    <div class="screen">
      <DocHeader ws={ws} docId={docId} kind="Document" title={title} roster={roster} status={handle?.status} pending={handle?.pending} ready={!!handle} onHistory={() => setHistory(!history)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class={history ? 'with-panel' : ''}>
        <section class="card paper">{handle ? <Editor ws={ws} handle={handle} /> : <p class="muted">Opening…</p>}</section>
        {history && handle && <HistoryPanel handle={handle} onClose={() => setHistory(false)} />}
      </div>
    </div>
  );
}

function Editor({ ws, handle }: { ws: Workspace; handle: DocHandle<'richtext'> }) {
  const area = useRef<HTMLTextAreaElement>(null);
  const mirror = useRef<HTMLDivElement>(null);
  const shown = useRef('');
  const selection = useRef<{ anchor: string; head: string } | null>(null);
  const [remotes, setRemotes] = useState<Map<string, Remote>>(new Map());
  const [, setLayout] = useState(0);
  const canEdit = handle.role !== 'viewer' && handle.role !== 'commenter';

  // Raw text ↔ textarea: block markers are newlines; a marker at 0 (the first block typed) is hidden.
  const view = () => {
    const raw = handle.doc.text ?? '';
    const offset = raw.startsWith(MARKER) ? 1 : 0;
    return { raw, offset, text: raw.slice(offset).split(MARKER).join('\n') };
  };
  const cursorOf = (index: number) => {
    const raw = handle.doc.text ?? '';
    try {
      return index >= raw.length ? 'end' : (richtext.cursorAt(handle.doc, index) as string);
    } catch {
      return 'end';
    }
  };
  const indexOfCursor = (c: string) => (c === 'end' ? (handle.doc.text ?? '').length : richtext.cursorPosition(handle.doc, c as never));
  const remember = () => {
    const el = area.current!;
    const { offset } = view();
    const [a, h] = el.selectionDirection === 'backward' ? [el.selectionEnd, el.selectionStart] : [el.selectionStart, el.selectionEnd];
    selection.current = { anchor: cursorOf(a + offset), head: cursorOf(h + offset) };
    ws.client.presence.moveCursor(handle.docId, selection.current);
  };

  // Show the document; after a remote change, put the selection back where its cursors now are.
  useLayoutEffect(() => {
    const el = area.current!;
    const sync = () => {
      const { text, offset } = view();
      if (text !== el.value) {
        el.value = text;
        if (selection.current && document.activeElement === el) {
          const a = Math.max(0, indexOfCursor(selection.current.anchor) - offset);
          const h = Math.max(0, indexOfCursor(selection.current.head) - offset);
          el.setSelectionRange(Math.min(a, h), Math.max(a, h), a > h ? 'backward' : 'forward');
        }
      }
      shown.current = text;
      setLayout((n) => n + 1);
    };
    sync();
    return handle.onChange(sync);
  }, [handle]);

  useEffect(
    () =>
      ws.client.presence.onCursor(handle.docId, ({ userId, name, cursor }) => {
        if (userId === ws.session.userId || cursor.anchor === undefined || cursor.head === undefined) return;
        setRemotes((m) => new Map(m).set(userId, { userId, name, anchor: indexOfCursor(cursor.anchor!), head: indexOfCursor(cursor.head!), at: Date.now() }));
      }),
    [handle],
  );

  const onInput = () => {
    const el = area.current!;
    const before = shown.current;
    const after = el.value;
    let p = 0;
    while (p < before.length && p < after.length && before[p] === after[p]) p++;
    let s = 0;
    while (s < before.length - p && s < after.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
    const removed = before.length - p - s;
    const inserted = after.slice(p, after.length - s);
    const { offset } = view();
    try {
      handle.change((d) => {
        if (removed > 0) richtext.deleteText(d, p + offset, removed);
        // Typed newlines start blocks; the rest is text.
        let at = p + offset;
        inserted.split('\n').forEach((part, i) => {
          if (i > 0) at = richtext.splitBlock(d, at) + 1;
          richtext.insertText(d, at, part);
          at += part.length;
        });
      });
    } catch (e) {
      ws.toast('Edit not applied', (e as Error).message);
    }
    shown.current = view().text;
    if (shown.current !== el.value) el.value = shown.current;
    remember();
    void ws.client.presence.typing(handle.docId, true, 'editing').catch(() => undefined);
  };

  const { offset } = view();
  const caret = (index: number) => position(mirror.current, area.current, Math.max(0, index - offset));
  return (
    <div class="editor-wrap">
      <textarea
        ref={area}
        class="editor"
        aria-label="Document text"
        readOnly={!canEdit}
        placeholder={canEdit ? 'Start writing…' : 'You can view this document'}
        onInput={onInput}
        onSelect={remember}
        onKeyUp={remember}
        onClick={remember}
        onScroll={() => setLayout((n) => n + 1)}
        spellcheck
      />
      <div ref={mirror} class="editor mirror" aria-hidden="true" />
      <div class="cursor-layer" aria-hidden="true">
        {[...remotes.values()].map((r) => {
          const head = caret(r.head);
          if (!head) return null;
          const colour = colourOf(r.userId);
          const [from, to] = [Math.min(r.anchor, r.head), Math.max(r.anchor, r.head)];
          const start = from !== to ? caret(from) : null;
          return (
            <div key={r.userId} class="remote-cursor" data-user={r.userId}>
              {start && start.top === head.top && <span class="remote-selection" style={{ left: `${start.left}px`, top: `${head.top}px`, width: `${Math.max(2, head.left - start.left)}px`, height: `${head.height}px`, background: colour }} />}
              <span class="caret" style={{ left: `${head.left}px`, top: `${head.top}px`, height: `${head.height}px`, background: colour }} />
              <span class="caret-name" style={{ left: `${head.left}px`, top: `${head.top - 18}px`, background: colour }}>
                {r.name}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** Where character `index` of the textarea sits, measured on a mirror element with the same text layout. */
function position(mirror: HTMLDivElement | null, area: HTMLTextAreaElement | null, index: number): { left: number; top: number; height: number } | null {
  if (!mirror || !area) return null;
  mirror.style.width = `${area.clientWidth}px`;
  mirror.textContent = area.value.slice(0, index);
  const mark = document.createElement('span');
  mark.textContent = '\u200b';
  mirror.appendChild(mark);
  return { left: mark.offsetLeft, top: mark.offsetTop - area.scrollTop, height: mark.offsetHeight };
}
