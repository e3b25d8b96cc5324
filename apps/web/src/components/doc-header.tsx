import type { PresenceMember } from '@tandem/contracts';
import { useState } from 'preact/hooks';
import type { Workspace } from '../lib/workspace';
import { ShareDialog } from '../screens/share-dialog';
import { Avatar } from './avatar';
import { Icon } from './icons';

const statusLabel = { synced: 'Saved', connecting: 'Syncing…', offline: 'Offline — edits kept' } as const;

/** A document's header: kind, title, who is here, sync state, and the share and history buttons. */
export function DocHeader(props: { ws: Workspace; docId: string; kind: string; title: string; roster: PresenceMember[]; status?: keyof typeof statusLabel; pending?: number; ready: boolean; onHistory?: () => void }) {
  const { ws, docId, roster } = props;
  const [sharing, setSharing] = useState(false);
  const others = roster.filter((m) => m.userId !== ws.session.userId);
  return (
    <div class="screen-header">
      <div>
        <p class="eyebrow">{props.kind}</p>
        <h2 class="screen-title">{props.title}</h2>
      </div>
      <div class="roster" aria-label="People in this document">
        {roster.map((m) => (
          <span key={m.userId} class="roster-member" data-user={m.userId}>
            <Avatar userId={m.userId} name={m.name} status={m.status} size={32} />
          </span>
        ))}
        <span class="muted small roster-count">{others.length ? `${others.length} other${others.length === 1 ? '' : 's'} here` : 'only you here'}</span>
      </div>
      {props.status && (
        <span class="sync-chip" data-status={props.status} id="doc-status">
          {statusLabel[props.status]}
          {props.pending ? ` · ${props.pending} to send` : ''}
        </span>
      )}
      {props.onHistory && (
        <button class="secondary" onClick={props.onHistory} disabled={!props.ready}>
          <Icon name="history" size={16} /> History
        </button>
      )}
      <button class="secondary" onClick={() => setSharing(true)} disabled={!props.ready}>
        <Icon name="share" size={16} /> Share
      </button>
      {sharing && <ShareDialog ws={ws} docId={docId} onClose={() => setSharing(false)} />}
    </div>
  );
}
