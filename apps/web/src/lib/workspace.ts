import type { ChatChannelListItem, Notification, UserPresence } from '@tandem/contracts';
import { IndexedDbDocStorage, LocalStorageOutboxStorage, SessionIdentity, TandemClient } from '@tandem/sdk';

/** What the sidebar lists: kinds grow as the SDK gets their APIs. */
export type DocKind = 'counter' | 'richtext' | 'whiteboard' | 'kanban';

/** The route of each kind's screen: `#/<route>/<id>`. */
export const KIND_ROUTE: Record<DocKind, string> = { counter: 'doc', richtext: 'text', whiteboard: 'canvas', kanban: 'kanban' };
export interface DocEntry {
  id: string;
  kind: DocKind;
  title: string;
}
export interface Session extends SessionIdentity {
  token: string;
}
export interface Toast {
  id: number;
  title: string;
  body: string;
  href?: string;
}

const colours = ['#5b5bd6', '#d6409f', '#0d9488', '#e5484d', '#f76b15', '#3e63dd', '#8e4ec6', '#12a594'];
/** A stable colour per user id, so a person looks the same on every screen and device. */
export function colourOf(userId: string): string {
  let h = 0;
  for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return colours[h % colours.length];
}

/**
 * The signed-in workspace: the SDK client, the user's documents, the people they have met (followed
 * for their presence), the inbox and toasts. Screens read it and re-render on {@link onChange}.
 */
export class Workspace {
  readonly client: TandemClient;
  docs: DocEntry[];
  readonly people = new Map<string, UserPresence>();
  inbox: Notification[] = [];
  /** The user's channels and DMs with their unread counts. */
  channels: ChatChannelListItem[] = [];
  private channelTimer?: ReturnType<typeof setInterval>;
  toasts: Toast[] = [];
  private readonly listeners = new Set<() => void>();
  private toastId = 0;
  private readonly docsKey: string;

  constructor(readonly session: Session) {
    // One outbox per tab (kept across reloads of that tab), so tabs never overwrite each other's queue.
    const tab = sessionStorage.getItem('tandem.tab') ?? crypto.randomUUID();
    sessionStorage.setItem('tandem.tab', tab);
    this.client = new TandemClient({ url: location.origin, getToken: () => session.token, outbox: new LocalStorageOutboxStorage(`tandem.outbox.${tab}`), documents: new IndexedDbDocStorage(`tandem-docs.${session.tenant}.${session.userId}`), device: 'web' });
    this.docsKey = `tandem.docs.${session.tenant}.${session.userId}`;
    this.docs = JSON.parse(localStorage.getItem(this.docsKey) ?? 'null') ?? [{ id: 'welcome', kind: 'counter', title: 'Welcome' }];
    this.client.presence.onUser((u) => {
      if (u.userId === session.userId) return;
      this.people.set(u.userId, u);
      this.changed();
    });
    this.client.notifications.onNotification((n) => {
      if (this.inbox.some((x) => x.notificationId === n.notificationId)) return;
      this.inbox = [n, ...this.inbox];
      if (n.link.kind === 'doc') this.learnDoc(n.link.docId, n.link.docKind ?? undefined);
      if (n.link.kind === 'card') this.learnDoc(n.link.docId, 'kanban');
      if (n.actorId) void this.meet([n.actorId]);
      this.toast(n.title, n.body, linkOf(n));
      if (n.link.kind === 'chat') void this.refreshChannels();
    });
    this.client.notifications.onUnreadChange(() => this.changed());
    this.client.chat.onRead(() => void this.refreshChannels());
    this.client.onStateChange(() => this.changed());
  }

  /** Loads the inbox's first page once connected. */
  async start(): Promise<void> {
    await this.client.ready();
    const page = await this.client.notifications.list({ limit: 50 });
    const seen = new Set(this.inbox.map((n) => n.notificationId));
    this.inbox = [...this.inbox, ...page.notifications.filter((n) => !seen.has(n.notificationId))].sort((a, b) => b.seq - a.seq);
    this.changed();
    await this.refreshChannels();
    // Channels not open on this screen push nothing: their unread counts are read every few seconds.
    this.channelTimer = setInterval(() => document.visibilityState === 'visible' && void this.refreshChannels(), 5_000);
  }

  async refreshChannels(): Promise<void> {
    if (this.client.state !== 'online') return;
    this.channels = await this.client.chat.channels().catch(() => this.channels);
    this.changed();
    // The people of your DMs are people you work with: their names and presence.
    void this.meet(this.channels.flatMap((c) => (c.kind === 'dm' ? (c.memberIds ?? []) : [])));
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  addDoc(id: string, kind: DocKind = 'counter', title = id): DocEntry {
    const existing = this.docs.find((d) => d.id === id);
    if (existing) return existing;
    // A document shared with you whose kind the notification does not say opens as the counter page until you pick it.
    const entry = { id, kind, title };
    this.docs = [...this.docs, entry];
    localStorage.setItem(this.docsKey, JSON.stringify(this.docs));
    this.changed();
    return entry;
  }

  /** Lists a document a notification named, with its kind when the notification says it (correcting an entry that guessed counter). */
  learnDoc(id: string, kind?: DocKind): void {
    const entry = this.addDoc(id, kind ?? 'counter');
    if (kind && entry.kind !== kind) this.setKind(id, kind);
  }

  /** Corrects the kind of a listed document (one shared with you opens as a counter until you say). */
  setKind(id: string, kind: DocKind): void {
    this.docs = this.docs.map((d) => (d.id === id ? { ...d, kind } : d));
    localStorage.setItem(this.docsKey, JSON.stringify(this.docs));
    this.changed();
  }

  /** Follows users' presence (people met in rosters, inbox actors, share dialogs). */
  async meet(userIds: string[]): Promise<void> {
    const fresh = userIds.filter((id) => id !== this.session.userId && !this.people.has(id));
    if (!fresh.length) return;
    for (const id of fresh) this.people.set(id, { userId: id, name: id, status: 'offline', text: null, connections: 0 });
    this.changed();
    const statuses = await this.client.presence.follow(fresh).catch(() => []);
    for (const u of statuses) this.people.set(u.userId, u);
    this.changed();
  }

  /** The people of a DM other than you, by name ("Bob, Cid"). */
  dmName(channelId: string): string {
    const members = this.channels.find((c) => c.channelId === channelId)?.memberIds ?? [];
    return members.filter((m) => m !== this.session.userId).map((m) => this.people.get(m)?.name ?? m).join(', ') || 'Direct message';
  }

  /** Waits (a few seconds at most) until the chat service lists the channel: it creates one a moment after Kafka has the command. */
  async whenListed(channelId: string): Promise<boolean> {
    for (let i = 0; i < 50; i++) {
      await this.refreshChannels();
      if (this.channels.some((c) => c.channelId === channelId)) return true;
      await new Promise((r) => setTimeout(r, 200));
    }
    return false;
  }

  unreadFor(docId: string): number {
    return this.inbox.filter((n) => !n.readAt && (n.link.kind === 'doc' || n.link.kind === 'card') && n.link.docId === docId).length;
  }

  async markRead(n: Notification): Promise<void> {
    if (n.readAt) return;
    this.inbox = this.inbox.map((x) => (x.notificationId === n.notificationId ? { ...x, readAt: new Date().toISOString() } : x));
    this.changed();
    await this.client.notifications.markRead(n.notificationId);
  }

  async markAllRead(): Promise<void> {
    const now = new Date().toISOString();
    this.inbox = this.inbox.map((x) => (x.readAt ? x : { ...x, readAt: now }));
    this.changed();
    await this.client.notifications.markAllRead();
  }

  toast(title: string, body: string, href?: string): void {
    const t = { id: ++this.toastId, title, body, href };
    this.toasts = [...this.toasts, t].slice(-4);
    this.changed();
    setTimeout(() => this.dismiss(t.id), 6_000);
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
    this.changed();
  }

  close(): void {
    clearInterval(this.channelTimer);
    this.client.close();
  }

  /** Re-renders what reads the workspace (e.g. after a change the SDK does not announce, like the outbox growing). */
  notify(): void {
    this.changed();
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }
}

/** Where a notification leads in the app: a document's own screen by its kind (a card's is its kanban board). */
export function linkOf(n: Notification): string | undefined {
  switch (n.link.kind) {
    case 'doc':
      return `#/${KIND_ROUTE[n.link.docKind ?? 'counter']}/${encodeURIComponent(n.link.docId)}`;
    case 'card':
      return `#/kanban/${encodeURIComponent(n.link.docId)}`;
    case 'file':
      return n.link.docId ? `#/doc/${encodeURIComponent(n.link.docId)}` : undefined;
    case 'leaderboard':
      return `#/board/${encodeURIComponent(n.link.boardId)}`;
    case 'player':
      return `#/player/${encodeURIComponent(n.link.playerId)}`;
    case 'chat':
      return `#/chat/${encodeURIComponent(n.link.channelId)}${n.link.threadRootId ? `/${encodeURIComponent(n.link.threadRootId)}` : ''}`;
  }
}
