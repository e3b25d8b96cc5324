import type { PresenceMember, ResourceRole } from '@tandem/contracts';
import type { CounterHandle } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import type { Workspace } from '../lib/workspace';
import { FilesPanel } from './files-panel';
import { ShareDialog } from './share-dialog';

/** A document: who is here (live roster), its content, and its files. */
export function DocScreen({ ws, docId }: { ws: Workspace; docId: string }) {
  const [handle, setHandle] = useState<CounterHandle | null>(null);
  const [error, setError] = useState('');
  const [, setTick] = useState(0);
  const [roster, setRoster] = useState<PresenceMember[]>([]);
  const [sharing, setSharing] = useState(false);
  const entry = ws.addDoc(docId);
  useEffect(() => {
    let live = true;
    let opened: CounterHandle | null = null;
    setHandle(null);
    setError('');
    setRoster(ws.client.presence.rosterOf(docId));
    const link = new URLSearchParams(location.search).get('link') ?? undefined;
    const stopRoster = ws.client.presence.onRoster(docId, (members) => {
      setRoster(members);
      void ws.meet(members.map((m) => m.userId));
    });
    ws.client.counter(docId, { link }).then(
      (h) => {
        if (!live) return h.close();
        opened = h;
        setHandle(h);
        h.onChange(() => {
          setTick((t) => t + 1);
          ws.notify(); // the offline banner counts the clicks waiting to be sent
        });
        setRoster(ws.client.presence.rosterOf(docId));
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      stopRoster();
      opened?.close();
    };
  }, [docId]);
  const canEdit = !!handle && !handle.kicked && (handle.role === 'editor' || handle.role === 'owner');
  const others = roster.filter((m) => m.userId !== ws.session.userId);
  return (
    <div class="screen doc-screen">
      <div class="screen-header">
        <div>
          <p class="eyebrow">Counter document</p>
          <h2 class="screen-title">{entry.title}</h2>
        </div>
        <div class="roster" aria-label="People in this document">
          {roster.map((m) => (
            <span key={m.userId} class="roster-member" data-user={m.userId}>
              <Avatar userId={m.userId} name={m.name} status={m.status} size={32} />
            </span>
          ))}
          <span class="muted small roster-count">{others.length ? `${others.length} other${others.length === 1 ? '' : 's'} here` : 'only you here'}</span>
        </div>
        <button class="secondary" onClick={() => setSharing(true)} disabled={!handle}>
          <Icon name="share" size={16} /> Share
        </button>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {handle?.kicked && (
        <p class="error" role="alert">
          {handle.kicked.message}
        </p>
      )}
      <div class="doc-grid">
        <section class="card counter-card" aria-labelledby="counter-title">
          <header class="card-header">
            <h2 id="counter-title">Shared counter</h2>
            {handle?.role && <span class="role-chip">{roleLabel(handle.role)}</span>}
          </header>
          <p class="muted">Everyone here sees the same number, instantly. Clicks made offline are sent when you are back.</p>
          <div class="counter">
            <output id="value" aria-live="polite">
              {handle ? handle.value : '–'}
            </output>
            <button
              id="increment"
              class="primary big"
              disabled={!canEdit}
              onClick={() => {
                handle?.increment(1).catch((e: Error) => setError(e.message));
                ws.notify();
              }}
            >
              +1
            </button>
          </div>
          {entry.kind === 'counter' && !ws.docs.some((d) => d.id === docId && d.title !== docId) && (
            <p class="muted small">
              Shared with you as something else? Open it as a <a href={`#/text/${encodeURIComponent(docId)}`} onClick={() => ws.setKind(docId, 'richtext')}>document</a>, a{' '}
              <a href={`#/kanban/${encodeURIComponent(docId)}`} onClick={() => ws.setKind(docId, 'kanban')}>kanban board</a> or a{' '}
              <a href={`#/canvas/${encodeURIComponent(docId)}`} onClick={() => ws.setKind(docId, 'whiteboard')}>whiteboard</a>.
            </p>
          )}
          <p class="muted small" id="pending">
            {handle ? (handle.pending ? `${handle.pending} of your clicks on the way…` : 'All your clicks are saved') : 'Opening…'}
          </p>
        </section>
        <FilesPanel ws={ws} docId={docId} />
      </div>
      {sharing && <ShareDialog ws={ws} docId={docId} onClose={() => setSharing(false)} />}
    </div>
  );
}

const roleLabel = (r: ResourceRole) => ({ owner: 'Owner', editor: 'Can edit', commenter: 'Can comment', viewer: 'Can view' })[r];
