import { useState } from 'preact/hooks';
import { DocHeader } from '../components/doc-header';
import { RichTextEditor } from '../editor/rich-text-editor';
import { useDocument } from '../lib/open-doc';
import { Workspace } from '../lib/workspace';
import { HistoryPanel } from './history-panel';

/**
 * A rich-text document: the ProseMirror editor bound to the Automerge document (paragraphs,
 * headings, lists; bold, italic, code, links), other people's cursors with their names and colours,
 * and the version history panel.
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
        <section class="card paper">{handle ? <RichTextEditor ws={ws} handle={handle} present={roster.map((m) => m.userId)} /> : <p class="muted">Opening…</p>}</section>
        {history && handle && <HistoryPanel handle={handle} onClose={() => setHistory(false)} />}
      </div>
    </div>
  );
}
