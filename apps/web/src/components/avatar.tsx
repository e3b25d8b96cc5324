import { colourOf } from '../lib/workspace';

const statusLabel: Record<string, string> = { online: 'online', away: 'away', dnd: 'do not disturb', offline: 'offline' };

/** Initials on the user's colour, with an optional presence dot. */
export function Avatar({ userId, name, status, size = 28 }: { userId: string; name?: string; status?: string; size?: number }) {
  const label = name ?? userId;
  const initials = label
    .split(/[\s-_.]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');
  return (
    <span class="avatar" style={{ width: `${size}px`, height: `${size}px`, background: colourOf(userId), fontSize: `${Math.round(size * 0.4)}px` }} title={status ? `${label} · ${statusLabel[status] ?? status}` : label}>
      {initials || '?'}
      {status && <span class="dot" data-status={status} aria-label={statusLabel[status] ?? status} />}
    </span>
  );
}

/** A presence dot alone (sidebar rows). */
export function PresenceDot({ status }: { status: string }) {
  return <span class="dot inline" data-status={status} role="img" aria-label={statusLabel[status] ?? status} />;
}
