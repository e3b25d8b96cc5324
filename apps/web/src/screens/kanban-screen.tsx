import { kanban } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { useRef, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { DocHeader } from '../components/doc-header';
import { Icon } from '../components/icons';
import { useDocument } from '../lib/open-doc';
import type { Workspace } from '../lib/workspace';
import { HistoryPanel } from './history-panel';

/** A kanban board: columns of cards, moved by drag and drop (or the arrow buttons, by keyboard); every move is one Automerge change. */
export function KanbanScreen({ ws, docId, title }: { ws: Workspace; docId: string; title: string }) {
  const { handle, error, roster } = useDocument(ws, docId, 'kanban');
  const [history, setHistory] = useState(false);
  return (
    <div class="screen wide">
      <DocHeader ws={ws} docId={docId} kind="Board" title={title} roster={roster} status={handle?.status} pending={handle?.pending} ready={!!handle} onHistory={() => setHistory(!history)} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class={history ? 'with-panel' : ''}>
        {handle ? <Board ws={ws} handle={handle} /> : <p class="muted">Opening…</p>}
        {history && handle && <HistoryPanel handle={handle} onClose={() => setHistory(false)} />}
      </div>
    </div>
  );
}

function Board({ ws, handle }: { ws: Workspace; handle: DocHandle<'kanban'> }) {
  const [drag, setDrag] = useState<{ cardId: string; over?: { columnId: string; index: number } } | null>(null);
  // The card being dragged, as soon as the drag starts: dragover and drop events can come before the
  // render that puts it in `drag` (a fast drag, a busy page), and a dragover not accepted loses the drop.
  const dragging = useRef<string | null>(null);
  const columns = kanban.boardView(handle.doc);
  const edit = (mutate: Parameters<typeof handle.change>[0]) => {
    try {
      handle.change(mutate);
    } catch (e) {
      ws.toast('Not changed', (e as Error).message);
    }
  };
  const real = columns.filter((c) => !c.synthetic);
  if (columns.length === 0)
    return (
      <section class="card empty">
        <p>This board has no columns yet.</p>
        <button class="primary" onClick={() => edit((d) => ['To do', 'Doing', 'Done'].forEach((t) => kanban.addColumn(d, t)))}>
          Start with To do, Doing, Done
        </button>
      </section>
    );
  const indexAt = (list: HTMLElement, y: number) => [...list.querySelectorAll<HTMLElement>('.kcard:not(.dragging)')].filter((el) => el.getBoundingClientRect().top + el.offsetHeight / 2 < y).length;
  return (
    <div class="kanban" role="list" aria-label="Columns">
      {columns.map((col, ci) => (
        <section key={col.id} class="kcolumn" role="listitem" aria-labelledby={`col-${col.id}`} data-column={col.title} data-over={drag?.over?.columnId === col.id || undefined}>
          <header>
            <h3 id={`col-${col.id}`}>{col.title}</h3>
            <span class="count">{col.cards.length}</span>
          </header>
          <ul
            class="kcards"
            onDragOver={(e) => {
              const cardId = dragging.current;
              if (!cardId || col.synthetic) return;
              e.preventDefault();
              const index = indexAt(e.currentTarget as HTMLElement, e.clientY);
              if (drag?.over?.columnId !== col.id || drag.over.index !== index) setDrag({ cardId, over: { columnId: col.id, index } });
            }}
            onDrop={(e) => {
              e.preventDefault();
              const cardId = dragging.current;
              dragging.current = null;
              setDrag(null);
              if (!cardId || col.synthetic) return;
              const index = indexAt(e.currentTarget as HTMLElement, e.clientY);
              edit((d) => kanban.moveCard(d, cardId, col.id, index));
            }}
          >
            {col.cards.map((card) => (
              <li
                key={card.id}
                class={`kcard${drag?.cardId === card.id ? ' dragging' : ''}`}
                data-card={card.title}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer?.setData('text/plain', card.id);
                  dragging.current = card.id;
                  setDrag({ cardId: card.id });
                }}
                onDragEnd={() => {
                  dragging.current = null;
                  setDrag(null);
                }}
              >
                <span class="kcard-title">{card.title}</span>
                {card.description && <span class="muted small">{card.description}</span>}
                <span class="kcard-foot">
                  {card.assignees.map((a) => (
                    <Avatar key={a} userId={a} size={22} />
                  ))}
                  <span class="kcard-moves">
                    <button class="icon-button ghost" aria-label={`Move ${card.title} left`} disabled={ci === 0 || col.synthetic} onClick={() => edit((d) => kanban.moveCard(d, card.id, real[ci - 1]!.id))}>
                      <Icon name="left" size={14} />
                    </button>
                    <button class="icon-button ghost" aria-label={`Move ${card.title} right`} disabled={ci >= real.length - 1 && !col.synthetic} onClick={() => edit((d) => kanban.moveCard(d, card.id, col.synthetic ? real[0]!.id : real[ci + 1]!.id))}>
                      <Icon name="right" size={14} />
                    </button>
                    <button class="icon-button ghost" aria-label={`Delete ${card.title}`} onClick={() => edit((d) => kanban.deleteCard(d, card.id))}>
                      <Icon name="close" size={14} />
                    </button>
                  </span>
                </span>
              </li>
            ))}
          </ul>
          {!col.synthetic && (
            <form
              class="add-card"
              onSubmit={(e) => {
                e.preventDefault();
                const input = (e.currentTarget as HTMLFormElement).elements.namedItem('title') as HTMLInputElement;
                const t = input.value.trim();
                if (t) edit((d) => kanban.addCard(d, col.id, { title: t, createdBy: ws.session.userId, assignees: [ws.session.userId] }));
                input.value = '';
              }}
            >
              <input name="title" aria-label={`New card in ${col.title}`} placeholder="+ Add a card" maxLength={200} />
            </form>
          )}
        </section>
      ))}
      <form
        class="kcolumn add-column"
        onSubmit={(e) => {
          e.preventDefault();
          const input = (e.currentTarget as HTMLFormElement).elements.namedItem('column') as HTMLInputElement;
          const t = input.value.trim();
          if (t) edit((d) => kanban.addColumn(d, t));
          input.value = '';
        }}
      >
        <input name="column" aria-label="New column" placeholder="+ Add a column" maxLength={100} />
      </form>
    </div>
  );
}
