import type { Ack, FollowTarget, MuteScope, Notification, NotificationPreferences, NotificationsRequest, NotificationsResponses, ServerEvent } from '@tandem/contracts';

type Emit = (message: NotificationsRequest) => Promise<Ack<NotificationsResponses[keyof NotificationsResponses]>>;
type Listener<T> = (value: T) => void;

/** Ids remembered to drop a notification that arrives both live and in a catch-up. */
const SEEN_LIMIT = 5_000;

/** An error the notifications API answered with; `code` is a `ProtocolErrorCode`. */
export class NotificationsError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'NotificationsError';
  }
}

/**
 * The user's notifications through the client's connection: new ones as they happen on every
 * device, everything missed while offline on reconnect (each once), the unread badge kept the same
 * across devices, the inbox, read marks and preferences. Obtained from `client.notifications`.
 */
export class NotificationsApi {
  private readonly listeners = { notification: new Set<Listener<Notification>>(), unread: new Set<Listener<number>>() };
  private readonly seen = new Set<string>();
  /**
   * The catch-up cursor: every notification up to it has been delivered here. Live pushes move it
   * only when they follow it without a gap: pushes of one user can arrive out of seq order (stored
   * by different partitions' batches), so one seen early must not make a catch-up skip an earlier
   * one still on its way.
   */
  private _lastSeq: number | null = null;
  /** Seqs delivered live beyond a gap after the cursor. */
  private readonly ahead = new Set<number>();
  private _unread = 0;

  constructor(private readonly emit: Emit) {}

  /** The unread count, as the last push or answer said. */
  get unread(): number {
    return this._unread;
  }

  /**
   * The seq up to which this client has seen every notification: persist it and pass it to
   * {@link resumeFrom} on the next start (a catch-up from it may repeat a few already seen; they are
   * dropped).
   */
  get lastSeq(): number | null {
    return this._lastSeq;
  }

  /**
   * Where catch-up starts: on the next (re)connect every notification after `seq` is delivered to
   * {@link onNotification} listeners. Without it, a client starts from the newest and gets live ones.
   */
  resumeFrom(seq: number): void {
    this._lastSeq = seq;
  }

  /** Calls `listener` once for each new notification (live or caught up), oldest first; returns a function that stops it. */
  onNotification(listener: Listener<Notification>): () => void {
    this.listeners.notification.add(listener);
    return () => this.listeners.notification.delete(listener);
  }

  /** Calls `listener` whenever the unread count changes (on this or any other device of the user). */
  onUnreadChange(listener: Listener<number>): () => void {
    this.listeners.unread.add(listener);
    return () => this.listeners.unread.delete(listener);
  }

  /** A page of the inbox, newest first: before `beforeSeq` (omit for the newest), `limit` ≤ 200. */
  async list(options: { beforeSeq?: number; limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationsResponses['notifications.list']> {
    const answer = await this.send({ type: 'notifications.list', beforeSeq: options.beforeSeq ?? null, limit: options.limit ?? 50, unreadOnly: options.unreadOnly ?? false });
    this.setUnread(answer.unread);
    return answer;
  }

  /** Marks one notification read; resolves with the unread count after. */
  async markRead(notificationId: string): Promise<number> {
    const { unread } = await this.send({ type: 'notifications.read', notificationId });
    this.setUnread(unread);
    return unread;
  }

  /** Marks every notification read. */
  async markAllRead(): Promise<number> {
    const { unread } = await this.send({ type: 'notifications.read-all' });
    this.setUnread(unread);
    return unread;
  }

  /** Deletes a notification for good (a redelivered source never brings it back). */
  async delete(notificationId: string): Promise<boolean> {
    const { deleted, unread } = await this.send({ type: 'notifications.delete', notificationId });
    this.setUnread(unread);
    return deleted;
  }

  async preferences(): Promise<NotificationPreferences> {
    return (await this.send({ type: 'notifications.preferences' })).preferences;
  }

  /** Changes preferences: types switched off and muted scopes create nothing; do-not-disturb keeps them in the inbox without pushing. */
  async setPreferences(changes: Partial<NotificationPreferences>): Promise<NotificationPreferences> {
    return (await this.send({ type: 'notifications.preferences.set', ...changes })).preferences;
  }

  /** Mutes (or unmutes) a channel, document or thread. */
  async mute(scope: MuteScope, muted = true): Promise<NotificationPreferences> {
    return (await this.send({ type: 'notifications.mute', scope, muted })).preferences;
  }

  /** Follows (or unfollows) a player or leaderboard: personal bests and rank changes notify you. */
  async follow(target: FollowTarget, following = true): Promise<FollowTarget[]> {
    return (await this.send({ type: 'notifications.follow', target, following })).following;
  }

  /** Called by the client after every (re)connect: catches up from {@link lastSeq}. */
  async resync(): Promise<void> {
    if (this._lastSeq === null) {
      const page = await this.send({ type: 'notifications.list', beforeSeq: null, limit: 1, unreadOnly: false });
      this._lastSeq = Math.max(this._lastSeq ?? 0, page.notifications[0]?.seq ?? 0);
      this.setUnread(page.unread);
      return;
    }
    // A cursor of its own: the pages must follow each other whatever arrives live meanwhile.
    let cursor = this._lastSeq;
    for (;;) {
      const page = await this.send({ type: 'notifications.since', sinceSeq: cursor, limit: 500 });
      for (const n of page.notifications) this.deliver(n);
      this.setUnread(page.unread);
      cursor = Math.max(cursor, page.latestSeq);
      // Everything up to `cursor` is delivered now, deleted ones and gaps included.
      this.advance(cursor);
      if (page.complete || !page.notifications.length) return;
    }
  }

  /** Called by the client for every server event. */
  dispatch(event: ServerEvent): void {
    if (event.type === 'notification') {
      this.deliver(event.notification);
      this.setUnread(event.unread);
    } else if (event.type === 'notifications.changed') {
      this.setUnread(event.unread);
    }
  }

  private deliver(n: Notification): void {
    if (this.seen.has(n.notificationId)) return;
    this.seen.add(n.notificationId);
    if (this.seen.size > SEEN_LIMIT) this.seen.delete(this.seen.values().next().value!);
    if (this._lastSeq !== null && n.seq > this._lastSeq) {
      this.ahead.add(n.seq);
      this.advance(this._lastSeq);
    }
    for (const l of this.listeners.notification) l(n);
  }

  /** Moves the cursor to `to`, then past the live seqs that follow it without a gap. */
  private advance(to: number): void {
    let cursor = Math.max(this._lastSeq ?? 0, to);
    for (const seq of this.ahead) if (seq <= cursor) this.ahead.delete(seq);
    while (this.ahead.delete(cursor + 1)) cursor++;
    this._lastSeq = cursor;
    // Bounded: far ahead of a gap that never fills (a notification deleted before this device saw it).
    if (this.ahead.size > SEEN_LIMIT) this.ahead.clear();
  }

  private setUnread(unread: number): void {
    if (unread === this._unread) return;
    this._unread = unread;
    for (const l of this.listeners.unread) l(unread);
  }

  private async send<R extends NotificationsRequest>(request: R): Promise<NotificationsResponses[R['type']]> {
    const answer = (await this.emit(request)) as Ack<NotificationsResponses[R['type']]>;
    if (!answer.ok) throw new NotificationsError(answer.error.code, answer.error.message);
    const { ok: _ok, ...body } = answer as { ok: true } & NotificationsResponses[R['type']];
    return body as unknown as NotificationsResponses[R['type']];
  }
}
