import { richtext } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import type { Command } from 'prosemirror-state';
import type { EditorView } from 'prosemirror-view';
import { useEffect, useRef, useState } from 'preact/hooks';
import { inList, isBlock, markActive, setBlock, toggleBold, toggleCode, toggleHeading, toggleItalic, toggleList } from './commands';
import { amIndexOf } from './positions';
import { schema } from './schema';

const mod = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl+';
const ariaMod = mod === '⌘' ? 'Meta+' : 'Control+';

interface Tool {
  label: string;
  glyph: string;
  keys: string;
  command: Command;
  active: (v: EditorView) => boolean;
  class?: string;
}

const { nodes, marks } = schema;
const groups: Tool[][] = [
  [
    { label: 'Paragraph', glyph: '¶', keys: 'Alt+0', command: setBlock(nodes.paragraph), active: (v) => isBlock(v.state, nodes.paragraph) && !inList(v.state, nodes.bullet_list) && !inList(v.state, nodes.ordered_list) },
    { label: 'Heading 1', glyph: 'H1', keys: 'Alt+1', command: toggleHeading(1), active: (v) => isBlock(v.state, nodes.heading, { level: 1 }) },
    { label: 'Heading 2', glyph: 'H2', keys: 'Alt+2', command: toggleHeading(2), active: (v) => isBlock(v.state, nodes.heading, { level: 2 }) },
  ],
  [
    { label: 'Bold', glyph: 'B', keys: 'B', command: toggleBold, active: (v) => markActive(v.state, marks.bold), class: 'tool-bold' },
    { label: 'Italic', glyph: 'I', keys: 'I', command: toggleItalic, active: (v) => markActive(v.state, marks.italic), class: 'tool-italic' },
    { label: 'Code', glyph: '</>', keys: 'E', command: toggleCode, active: (v) => markActive(v.state, marks.code), class: 'tool-code' },
  ],
  [
    { label: 'Bulleted list', glyph: '•≡', keys: 'Shift+8', command: toggleList(nodes.bullet_list), active: (v) => inList(v.state, nodes.bullet_list) },
    { label: 'Numbered list', glyph: '1≡', keys: 'Shift+7', command: toggleList(nodes.ordered_list), active: (v) => inList(v.state, nodes.ordered_list) },
  ],
];

/**
 * The formatting toolbar (one tab stop, arrow keys move between its buttons). Buttons keep the
 * editor's selection (they do not take focus on click) and say their shortcut. Links are written
 * with the document operations (`richtext.addMark(..., 'link', url)`), so their value is the URL the
 * rest of Tandem reads.
 */
export function Toolbar({ view, handle, linking, setLinking, onError }: { view: EditorView; handle: DocHandle<'richtext'>; linking: boolean; setLinking: (open: boolean) => void; onError: (message: string) => void }) {
  const bar = useRef<HTMLDivElement>(null);
  const [focusIndex, setFocusIndex] = useState(0);
  const run = (command: Command) => {
    command(view.state, view.dispatch, view);
    view.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const buttons = [...bar.current!.querySelectorAll<HTMLButtonElement>('button.tool')];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const next = e.key === 'ArrowRight' ? at + 1 : e.key === 'ArrowLeft' ? at - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const i = (next + buttons.length) % buttons.length;
    setFocusIndex(i);
    buttons[i]!.focus();
  };
  let index = 0;
  const linkActive = markActive(view.state, marks.link);
  return (
    <div class="editor-toolbar-wrap">
      <div class="editor-toolbar" role="toolbar" aria-label="Formatting" aria-controls="doc-editor" ref={bar} onKeyDown={onKeyDown}>
        {groups.map((group, g) => (
          <div class="tool-group" key={g}>
            {group.map((t) => {
              const i = index++;
              return (
                <button
                  key={t.label}
                  class={`tool ${t.class ?? ''}`}
                  aria-label={t.label}
                  title={`${t.label} (${mod}${t.keys})`}
                  aria-keyshortcuts={`${ariaMod}${t.keys}`}
                  aria-pressed={t.active(view)}
                  tabIndex={i === focusIndex ? 0 : -1}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => run(t.command)}
                >
                  {t.glyph}
                </button>
              );
            })}
          </div>
        ))}
        <div class="tool-group">
          <button class="tool" aria-label="Link" title={`Link (${mod}K)`} aria-keyshortcuts={`${ariaMod}K`} aria-pressed={linkActive} aria-expanded={linking} tabIndex={index === focusIndex ? 0 : -1} onMouseDown={(e) => e.preventDefault()} onClick={() => setLinking(!linking)}>
            <svg width="18" height="18" viewBox="0 0 20 20" fill="none" stroke="currentColor" stroke-width="1.7" stroke-linecap="round" aria-hidden="true">
              <path d="M8.5 11.5a3 3 0 0 0 4.2 0l2.6-2.6a3 3 0 0 0-4.2-4.2l-1 1M11.5 8.5a3 3 0 0 0-4.2 0l-2.6 2.6a3 3 0 0 0 4.2 4.2l1-1" />
            </svg>
          </button>
        </div>
      </div>
      {linking && <LinkForm view={view} handle={handle} onDone={() => { setLinking(false); view.focus(); }} onError={onError} />}
    </div>
  );
}

/** Where to link the selected text; empty removes the link. */
function LinkForm({ view, handle, onDone, onError }: { view: EditorView; handle: DocHandle<'richtext'>; onDone: () => void; onError: (m: string) => void }) {
  const input = useRef<HTMLInputElement>(null);
  const [message, setMessage] = useState('');
  const { from, to, empty } = view.state.selection;
  const current = view.state.doc.resolve(from).marks().find((m) => m.type === marks.link)?.attrs.href as string | undefined;
  useEffect(() => input.current?.focus(), []);
  const range = () => ({ start: amIndexOf(handle.doc, from), end: amIndexOf(handle.doc, to) });
  const submit = (e: Event) => {
    e.preventDefault();
    const raw = input.current!.value.trim();
    try {
      if (raw === '') {
        handle.change((d) => richtext.removeMark(d, range(), 'link'));
        return onDone();
      }
      const url = normalizeUrl(raw);
      if (!url) return setMessage('Use a web address (https://…) or an email address (mailto:…).');
      handle.change((d) => richtext.addMark(d, range(), 'link', url));
      onDone();
    } catch (err) {
      onError((err as Error).message);
      onDone();
    }
  };
  return (
    <form class="link-form" noValidate onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && onDone()}>
      {empty ? (
        <p class="muted small">Select the text to link first.</p>
      ) : (
        <>
          <label class="visually-hidden" for="link-address">
            Link address
          </label>
          <input id="link-address" ref={input} type="text" inputMode="url" autoComplete="url" placeholder="https://…" defaultValue={current ?? ''} aria-describedby="link-message" />
          <button class="primary small" type="submit">
            {current ? 'Update link' : 'Add link'}
          </button>
          {current && (
            <button class="secondary small" type="button" onClick={() => { input.current!.value = ''; input.current!.form!.requestSubmit(); }}>
              Remove link
            </button>
          )}
        </>
      )}
      <button class="ghost small" type="button" onClick={onDone}>
        Cancel
      </button>
      <span id="link-message" class="error small" role="status">
        {message}
      </span>
    </form>
  );
}

/** A link the editor accepts: http(s) and mailto only (no `javascript:`); a bare host gets https. */
export function normalizeUrl(raw: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(raw) ? `mailto:${raw}` : `https://${raw}`;
  try {
    const url = new URL(withScheme);
    if (!['http:', 'https:', 'mailto:'].includes(url.protocol)) return null;
    if (url.protocol !== 'mailto:' && !url.hostname.includes('.') && url.hostname !== 'localhost') return null;
    return url.href;
  } catch {
    return null;
  }
}
