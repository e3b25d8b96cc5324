import { useState } from 'preact/hooks';
import { go, href } from '../lib/hooks';
import { DocEntry, DocKind, KIND_ROUTE, Workspace } from '../lib/workspace';
import { PresenceDot } from './avatar';
import { Icon } from './icons';

/** The workspace sidebar: documents with unread badges, stats, and people with presence dots. */
export function Sidebar({ ws, route, onNavigate }: { ws: Workspace; route: string[]; onNavigate: () => void }) {
  const [adding, setAdding] = useState(false);
  const [addingChannel, setAddingChannel] = useState(false);
  const [addingDm, setAddingDm] = useState(false);
  const active = route.join('/');
  const item = (to: string[], icon: string, label: string, extra?: preact.ComponentChildren) => (
    <li>
      <a href={href(...to)} class="nav-item" aria-current={active === to.join('/') ? 'page' : undefined} onClick={onNavigate}>
        <Icon name={icon} />
        <span class="label">{label}</span>
        {extra}
      </a>
    </li>
  );
  const docItem = (d: DocEntry) => {
    const unread = ws.unreadFor(d.id);
    return item([KIND_ROUTE[d.kind], d.id], KIND_ICON[d.kind], d.title, unread > 0 && <span class="badge" aria-label={`${unread} unread`}>{unread}</span>);
  };
  const people = [...ws.people.values()].sort((a, b) => rank(a.status) - rank(b.status) || a.name.localeCompare(b.name));
  return (
    <nav class="sidebar" aria-label="Workspace">
      <div class="workspace-name">
        <span class="logo" aria-hidden="true">T</span>
        <div>
          <strong>Tandem</strong>
          <small>{ws.session.tenant}</small>
        </div>
      </div>
      <section aria-labelledby="nav-channels">
        <h2 id="nav-channels">
          Channels
          <button class="icon-button ghost" aria-label="New channel" title="New channel" onClick={() => setAddingChannel(!addingChannel)}>
            <Icon name="plus" size={16} />
          </button>
        </h2>
        {addingChannel && (
          <form
            class="new-doc"
            onSubmit={(e) => {
              e.preventDefault();
              const input = (e.currentTarget as HTMLFormElement).elements.namedItem('channel-name') as HTMLInputElement;
              const name = input.value.trim();
              const id = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-|-$/g, '');
              if (!id) return;
              setAddingChannel(false);
              onNavigate();
              // Acknowledged means stored in Kafka; the chat service creates it a moment later: open it once listed.
              ws.client.chat.createChannel(id, { kind: 'public', name }).acked.then(
                async () => {
                  for (let i = 0; i < 50 && !ws.channels.some((c) => c.channelId === id); i++) {
                    await ws.refreshChannels();
                    if (!ws.channels.some((c) => c.channelId === id)) await new Promise((r) => setTimeout(r, 200));
                  }
                  go('chat', id);
                },
                (err: Error) => ws.toast('Channel not created', err.message),
              );
            }}
          >
            <input name="channel-name" aria-label="Channel name" placeholder="e.g. general" maxLength={80} autoFocus onKeyDown={(e) => e.key === 'Escape' && setAddingChannel(false)} />
          </form>
        )}
        <ul>
          {ws.channels
            .filter((c) => c.kind !== 'dm')
            .map((c) => item(['chat', c.channelId], 'hash', c.name, c.unread > 0 && <span class="badge" data-unread-channel={c.channelId} aria-label={`${c.unread} unread`}>{c.unread}</span>))}
        </ul>
        <h2 id="nav-dms">
          Direct messages
          <button class="icon-button ghost" aria-label="New direct message" title="New direct message" onClick={() => setAddingDm(!addingDm)}>
            <Icon name="plus" size={16} />
          </button>
        </h2>
        {addingDm && (
          <form
            class="new-doc"
            onSubmit={(e) => {
              e.preventDefault();
              const input = (e.currentTarget as HTMLFormElement).elements.namedItem('dm-user') as HTMLInputElement;
              const userId = input.value.trim();
              if (!userId) return;
              if (userId === ws.session.userId) return ws.toast('Pick someone else', 'A direct message needs another person.');
              setAddingDm(false);
              onNavigate();
              go('dm', userId);
            }}
          >
            <input name="dm-user" aria-label="Person to message" placeholder="Their user id, e.g. bob" list="known-people" maxLength={128} autoFocus onKeyDown={(e) => e.key === 'Escape' && setAddingDm(false)} />
            <datalist id="known-people">
              {[...ws.people.values()].map((p) => (
                <option key={p.userId} value={p.userId}>
                  {p.name}
                </option>
              ))}
            </datalist>
          </form>
        )}
        <ul>
          {ws.channels
            .filter((c) => c.kind === 'dm')
            .map((c) => item(['chat', c.channelId], 'message', ws.dmName(c.channelId), c.unread > 0 && <span class="badge" data-unread-channel={c.channelId} aria-label={`${c.unread} unread`}>{c.unread}</span>))}
        </ul>
      </section>
      <section aria-labelledby="nav-docs">
        <h2 id="nav-docs">
          Documents
          <button class="icon-button ghost" aria-label="New document" title="New document" onClick={() => setAdding(!adding)}>
            <Icon name="plus" size={16} />
          </button>
        </h2>
        {adding && (
          <form
            class="new-doc"
            onSubmit={(e) => {
              e.preventDefault();
              const form = e.currentTarget as HTMLFormElement;
              const input = form.elements.namedItem('doc-id') as HTMLInputElement;
              const kind = (form.elements.namedItem('doc-kind') as HTMLSelectElement).value as DocKind;
              const id = input.value.trim().toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-|-$/g, '');
              if (!id) return;
              ws.addDoc(id, kind, input.value.trim());
              setAdding(false);
              go(KIND_ROUTE[kind], id);
              onNavigate();
            }}
          >
            <input name="doc-id" aria-label="Document name" placeholder="Name, e.g. launch-plan" maxLength={60} autoFocus onKeyDown={(e) => e.key === 'Escape' && setAdding(false)} />
            <select name="doc-kind" aria-label="Kind">
              <option value="richtext">Document</option>
              <option value="kanban">Kanban board</option>
              <option value="whiteboard">Whiteboard</option>
              <option value="counter">Counter</option>
            </select>
            <button type="submit" class="primary small">
              Create
            </button>
          </form>
        )}
        <ul>{ws.docs.filter((d) => d.kind === 'counter' || d.kind === 'richtext').map(docItem)}</ul>
      </section>
      <section aria-labelledby="nav-boards">
        <h2 id="nav-boards">Boards</h2>
        {ws.docs.some((d) => d.kind === 'kanban' || d.kind === 'whiteboard') ? (
          <ul>{ws.docs.filter((d) => d.kind === 'kanban' || d.kind === 'whiteboard').map(docItem)}</ul>
        ) : (
          <p class="muted small">Kanban boards and whiteboards: create one with +.</p>
        )}
      </section>
      <section aria-labelledby="nav-stats">
        <h2 id="nav-stats">Game stats</h2>
        <ul>
          {item(['stats'], 'trophy', 'Leaderboards')}
          {item(['player', ws.session.userId], 'user', 'My profile')}
        </ul>
      </section>
      <section aria-labelledby="nav-people">
        <h2 id="nav-people">People</h2>
        {people.length === 0 ? (
          <p class="muted small">People you work with appear here.</p>
        ) : (
          <ul class="people">
            {people.map((p) => (
              <li key={p.userId} class="person" data-user={p.userId} data-status={p.status}>
                <a href={href('dm', p.userId)} class="nav-item" title={`Message ${p.name}`} onClick={onNavigate}>
                  <PresenceDot status={p.status} />
                  <span class="label">{p.name}</span>
                  {p.text && <span class="status-text">{p.text}</span>}
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
    </nav>
  );
}

const KIND_ICON: Record<DocKind, string> = { counter: 'hash', richtext: 'doc', kanban: 'kanban', whiteboard: 'canvas' };
const rank = (s: string) => ['online', 'dnd', 'away', 'offline'].indexOf(s);
