import type { ChosenStatus } from '@tandem/contracts';
import { useState } from 'preact/hooks';
import type { Workspace } from '../lib/workspace';
import { Avatar } from './avatar';
import { Bell } from './bell';
import { Icon } from './icons';

const stateLabel = { online: 'Online', connecting: 'Syncing…', offline: 'Offline' } as const;

/** The top bar: menu (phones), connection state, notifications bell, the user's status menu. */
export function Topbar({ ws, title, onMenu }: { ws: Workspace; title: string; onMenu: () => void }) {
  const state = ws.client.state;
  const [status, setStatus] = useState<ChosenStatus>('online');
  return (
    <header class="topbar">
      <button class="icon-button ghost menu-button" aria-label="Open the sidebar" onClick={onMenu}>
        <Icon name="menu" />
      </button>
      <h1 class="title">{title}</h1>
      <span id="connection" class="pill" data-state={state} role="status" aria-live="polite">
        <span class="pill-dot" />
        {stateLabel[state]}
      </span>
      <Bell ws={ws} />
      <label class="me" title={`Signed in as ${ws.session.name}`}>
        <Avatar userId={ws.session.userId} name={ws.session.name} status={status === 'invisible' ? 'offline' : status} />
        <select
          aria-label="Your status"
          value={status}
          onChange={(e) => {
            const s = (e.currentTarget as HTMLSelectElement).value as ChosenStatus;
            setStatus(s);
            void ws.client.presence.setStatus(s).catch((err: Error) => ws.toast('Status not changed', err.message));
          }}
        >
          <option value="online">Online</option>
          <option value="away">Away</option>
          <option value="dnd">Do not disturb</option>
          <option value="invisible">Invisible</option>
        </select>
      </label>
    </header>
  );
}

/** Shown while the connection is down: what happens to edits meanwhile. */
export function OfflineBanner({ ws }: { ws: Workspace }) {
  if (ws.client.state !== 'offline') return null;
  const pending = ws.client.pendingCommands;
  return (
    <div class="offline-banner" role="alert" id="offline-banner">
      <Icon name="wifiOff" />
      <span>
        You are offline. Keep working: {pending > 0 ? `${pending} change${pending === 1 ? '' : 's'} will be sent` : 'changes are sent'} when the connection is back.
      </span>
    </div>
  );
}
