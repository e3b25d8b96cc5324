import { useState } from 'preact/hooks';
import { DocHeader } from '../components/doc-header';
import { useDocument } from '../lib/open-doc';
import { Workspace } from '../lib/workspace';
import { BoardCanvas } from '../whiteboard/board-canvas';
import { HistoryPanel } from './history-panel';

/**
 * A whiteboard: pen, rectangles, ellipses, lines, arrows, text and sticky notes; select, move,
 * resize, restyle, re-order and delete, by pointer, touch or keyboard; everyone's cursors live.
 */
export function WhiteboardScreen({ ws, docId, title }: { ws: Workspace; docId: string; title: string }) {
  const { handle, error, roster } = useDocument(ws, docId, 'whiteboard');
  const [history, setHistory] = useState(false);
  return (
    <div class="screen wide">
      <DocHeader ws={ws} docId={docId} kind="Whiteboard" title={title} roster={roster} status={handle?.status} pending={handle?.pending} ready={!!handle} onHistory={() => setHistory(!history)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class={history ? 'with-panel' : ''}>
        {handle ? <BoardCanvas ws={ws} handle={handle} /> : <p class="muted">Opening…</p>}
        {history && handle && <HistoryPanel handle={handle} onClose={() => setHistory(false)} />}
      </div>
    </div>
  );
}
