import type * as A from '@automerge/automerge';

/**
 * How Tandem records who made a change: the Automerge change MESSAGE is a JSON object.
 *
 * - `userId`: the user who made it (the SDK writes the signed-in user's id on every change).
 * - `restore`: present on a restore, the heads of the version restored.
 * - `init` / `migrate`: written by `initialChange` and `migrate` (no user).
 * - any other keys are free for callers (e.g. `label` for a named version).
 *
 * A change without a JSON message (older clients, other tools) has no known author; history shows
 * its actor id instead. Authorship is what the client claims: the gateway, which knows the
 * authenticated user, is where a claim can be checked (the change bytes are signed by nobody).
 */
export interface ChangeInfo {
  userId?: string;
  restore?: A.Heads;
  init?: string;
  migrate?: { kind: string; from: number; to: number };
  label?: string;
  [key: string]: unknown;
}

/** The message for a change by `userId`: `A.change(doc, changeOptions('u1'), d => ...)` or `{ message: changeMessage('u1') }`. */
export function changeMessage(userId: string, extra: Omit<ChangeInfo, 'userId'> = {}): string {
  return JSON.stringify({ userId, ...extra });
}

/** Change options carrying the author (time is Automerge's default: now, in seconds). */
export function changeOptions(userId: string, extra: Omit<ChangeInfo, 'userId'> = {}): { message: string } {
  return { message: changeMessage(userId, extra) };
}

/** Reads a change message; never throws (non-JSON messages give `{}`). */
export function parseChangeMessage(message: string | null | undefined): ChangeInfo {
  if (!message || message[0] !== '{') return {};
  try {
    const parsed: unknown = JSON.parse(message);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    const info = parsed as ChangeInfo;
    if (info.userId !== undefined && typeof info.userId !== 'string') delete info.userId;
    if (info.restore !== undefined && !(Array.isArray(info.restore) && info.restore.every((h) => typeof h === 'string'))) delete info.restore;
    return info;
  } catch {
    return {};
  }
}
