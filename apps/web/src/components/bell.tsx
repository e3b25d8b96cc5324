import type { Notification } from '@tandem/contracts';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { linkOf, Workspace } from '../lib/workspace';
import { Avatar } from './avatar';
import { Icon } from './icons';

/** The notifications bell with the unread badge (the same on every device) and the inbox panel. */
export function Bell({ ws }: { ws: Workspace }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const unread = ws.client.notifications.unread;
  // A layout effect: the Escape and outside-click handlers are in place as soon as the panel is in
  // the DOM (a plain effect runs after paint, so a quick Escape on a busy machine was missed).
  useLayoutEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && setOpen(false);
    const onClick = (e: MouseEvent) => !root.current?.contains(e.target as Node) && setOpen(false);
    addEventListener('keydown', onKey);
    addEventListener('mousedown', onClick);
    return () => {
      removeEventListener('keydown', onKey);
      removeEventListener('mousedown', onClick);
    };
  }, [open]);
  return (
    // Escape is handled here too (synchronously): the document listener is only added after the popover renders.
    <div class="bell" ref={root} onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}>
      <button class="icon-button" aria-label={unread ? `Notifications, ${unread} unread` : 'Notifications'} aria-expanded={open} aria-controls="inbox" onClick={() => setOpen(!open)}>
        <Icon name="bell" size={20} />
        {unread > 0 && (
          <span class="badge bell-badge" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div id="inbox" class="popover inbox" role="dialog" aria-label="Notifications">
          <header>
            <strong>Notifications</strong>
            <button class="link-button" disabled={!unread} onClick={() => void ws.markAllRead()}>
              Mark all read
            </button>
          </header>
          <InboxList ws={ws} onOpen={() => setOpen(false)} />
        </div>
      )}
    </div>
  );
}

export function InboxList({ ws, onOpen }: { ws: Workspace; onOpen?: () => void }) {
  if (!ws.inbox.length)
    return (
      <div class="empty small">
        <Icon name="bell" size={28} />
        <p>You are all caught up.</p>
      </div>
    );
  return (
    <ul class="inbox-list">
      {ws.inbox.map((n) => (
        <li key={n.notificationId}>
          <a
            class="notification"
            data-unread={n.readAt ? undefined : 'true'}
            href={linkOf(n) ?? '#'}
            onClick={() => {
              void ws.markRead(n);
              onOpen?.();
            }}
          >
            <Avatar userId={n.actorId ?? 'tandem'} name={n.actorId ?? 'Tandem'} size={32} />
            <span class="notification-text">
              <strong>{n.title}</strong>
              {n.body && <span class="muted">{n.body}</span>}
              <time dateTime={n.createdAt}>{ago(n)}</time>
            </span>
            {!n.readAt && <span class="unread-dot" aria-label="unread" />}
          </a>
        </li>
      ))}
    </ul>
  );
}

function ago(n: Notification): string {
  const s = Math.max(0, (Date.now() - Date.parse(n.createdAt)) / 1000);
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(n.createdAt).toLocaleDateString();
}

export function Toasts({ ws }: { ws: Workspace }) {
  return (
    <div class="toasts" aria-live="polite">
      {ws.toasts.map((t) => (
        <div key={t.id} class="toast" role="status">
          <a href={t.href ?? '#'} onClick={() => ws.dismiss(t.id)}>
            <strong>{t.title}</strong>
            {t.body && <span>{t.body}</span>}
          </a>
          <button class="icon-button ghost" aria-label="Dismiss" onClick={() => ws.dismiss(t.id)}>
            <Icon name="close" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}
