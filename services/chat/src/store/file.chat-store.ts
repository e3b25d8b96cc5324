import type { ChannelKind, ChatChannel, ChatMessage } from '@tandem/contracts';
import { FileCollection } from '@tandem/platform';
import { ChatMember, ChatStore, ChatWrite, HistoryQuery, MessageEdit, ReadMarker, SeqConflictError, StoredChange, ThreadFollow, UnreadQuery, inChannelView, wordsOf } from './chat-store.port';

type T = { tenant: string };
type ChangeRow = T & { change: StoredChange };
type KeyRow = { key: string; seq: number };
type ChannelRow = T & { channel: ChatChannel };
type MemberRow = T & ChatMember;
type MessageRow = T & { message: ChatMessage; kind: ChannelKind; words: string[] };
type EditRow = T & { channelId: string; messageId: string; edit: MessageEdit };
type ReadRow = T & ReadMarker;
type FollowRow = T & ThreadFollow;

const thread = (id: string | null) => id ?? '';

/**
 * The embedded chat store: one append-only file per collection under the data directory (see
 * `FileCollection`), queried in memory. Per-channel indexes keep history pages and the log cheap.
 */
export class FileChatStore implements ChatStore {
  private readonly changes: FileCollection<ChangeRow>;
  private readonly channelRows: FileCollection<ChannelRow>;
  private readonly memberRows: FileCollection<MemberRow>;
  private readonly messages: FileCollection<MessageRow>;
  private readonly editRows: FileCollection<EditRow>;
  private readonly reads: FileCollection<ReadRow>;
  private readonly follows: FileCollection<FollowRow>;
  private readonly commands: FileCollection<KeyRow>;
  private readonly published: FileCollection<KeyRow>;
  private readonly claims: FileCollection<KeyRow>;
  /** Change and message rows per channel, sorted by seq (the file collections index by key only). */
  private readonly logs = new Map<string, ChangeRow[]>();
  private readonly views = new Map<string, MessageRow[]>();

  constructor(directory: string) {
    this.changes = new FileCollection<ChangeRow>(directory, 'changes', (r) => `${r.tenant}/${r.change.channelId}/${r.change.seq}`);
    this.channelRows = new FileCollection<ChannelRow>(directory, 'channels', (r) => `${r.tenant}/${r.channel.channelId}`);
    this.memberRows = new FileCollection<MemberRow>(directory, 'members', (r) => `${r.tenant}/${r.channelId}/${r.userId}`);
    this.messages = new FileCollection<MessageRow>(directory, 'messages', (r) => `${r.tenant}/${r.message.channelId}/${r.message.messageId}`);
    this.editRows = new FileCollection<EditRow>(directory, 'edits', (r) => `${r.tenant}/${r.channelId}/${r.messageId}/${r.edit.seq}`);
    this.reads = new FileCollection<ReadRow>(directory, 'reads', (r) => `${r.tenant}/${r.channelId}/${r.userId}/${thread(r.threadRootId)}`);
    this.follows = new FileCollection<FollowRow>(directory, 'follows', (r) => `${r.tenant}/${r.channelId}/${r.threadRootId}/${r.userId}`);
    this.commands = new FileCollection<KeyRow>(directory, 'commands', (r) => r.key);
    this.published = new FileCollection<KeyRow>(directory, 'published', (r) => r.key);
    this.claims = new FileCollection<KeyRow>(directory, 'claims', (r) => r.key);
    for (const row of this.changes.find(() => true)) this.logOf(row.tenant, row.change.channelId).push(row);
    for (const log of this.logs.values()) log.sort((a, b) => a.change.seq - b.change.seq);
    for (const row of this.messages.find(() => true)) this.viewOf(row.tenant, row.message.channelId).push(row);
    for (const view of this.views.values()) view.sort((a, b) => a.message.seq - b.message.seq);
  }

  async append(tenant: string, channelId: string, changes: readonly StoredChange[], commandIds: readonly string[]) {
    for (const change of changes) {
      if (!this.changes.insert({ tenant, change })) throw new SeqConflictError(change.channelId, change.seq);
      const log = this.logOf(tenant, change.channelId);
      log.push({ tenant, change });
      if (log.length > 1 && log[log.length - 2].change.seq > change.seq) log.sort((a, b) => a.change.seq - b.change.seq);
    }
    for (const id of commandIds) this.commands.insert({ key: `${tenant}/${channelId}/${id}`, seq: 0 });
  }

  async change(tenant: string, channelId: string, seq: number) {
    return this.changes.get(`${tenant}/${channelId}/${seq}`)?.change ?? null;
  }

  async appliedCommands(tenant: string, channelId: string, commandIds: readonly string[]) {
    return new Set(commandIds.filter((id) => this.commands.get(`${tenant}/${channelId}/${id}`)));
  }

  async publishedSeq(tenant: string, channelId: string) {
    return this.published.get(`${tenant}/${channelId}`)?.seq ?? 0;
  }

  async markPublished(tenant: string, channelId: string, seq: number) {
    this.published.put({ key: `${tenant}/${channelId}`, seq });
  }

  async changesAfter(tenant: string, channelId: string, afterSeq: number, limit: number) {
    const log = this.logOf(tenant, channelId);
    const from = firstIndex(log, (r) => r.change.seq > afterSeq);
    return log.slice(from, from + limit).map((r) => r.change);
  }


  async apply(tenant: string, writes: readonly ChatWrite[]) {
    for (const w of writes) {
      switch (w.kind) {
        case 'channel': {
          const had = this.channelRows.get(`${tenant}/${w.channel.channelId}`);
          if (!had || had.channel.seq < w.channel.seq) this.channelRows.put({ tenant, channel: w.channel });
          break;
        }
        case 'member': {
          const had = this.memberRows.get(`${tenant}/${w.member.channelId}/${w.member.userId}`);
          if (!had || had.version < w.member.version) this.memberRows.put({ tenant, ...w.member });
          break;
        }
        case 'message': {
          const key = `${tenant}/${w.message.channelId}/${w.message.messageId}`;
          const had = this.messages.get(key);
          if (had && had.message.version >= w.message.version) break;
          const row: MessageRow = { tenant, message: w.message, kind: w.channelKind, words: wordsOf(w.message.text) };
          this.messages.put(row);
          const view = this.viewOf(tenant, w.message.channelId);
          const at = view.findIndex((r) => r.message.messageId === w.message.messageId);
          if (at >= 0) view[at] = row;
          else {
            view.push(row);
            if (view.length > 1 && view[view.length - 2].message.seq > row.message.seq) view.sort((a, b) => a.message.seq - b.message.seq);
          }
          break;
        }
        case 'edit':
          this.editRows.put({ tenant, channelId: w.channelId, messageId: w.messageId, edit: w.edit });
          break;
        case 'auto-follow':
          this.follows.insert({ tenant, channelId: w.channelId, threadRootId: w.threadRootId, userId: w.userId, following: true, explicit: false });
          break;
      }
    }
  }

  async channel(tenant: string, channelId: string) {
    return this.channelRows.get(`${tenant}/${channelId}`)?.channel ?? null;
  }

  async channels(tenant: string, channelIds: readonly string[]) {
    return channelIds.map((id) => this.channelRows.get(`${tenant}/${id}`)?.channel).filter((c): c is ChatChannel => !!c);
  }

  async browse(tenant: string, query: string, limit: number) {
    const q = query.toLowerCase();
    return this.channelRows
      .find((r) => r.tenant === tenant && r.channel.kind === 'public' && r.channel.name.toLowerCase().includes(q))
      .map((r) => r.channel)
      .sort((a, b) => compare(a.name.toLowerCase(), b.name.toLowerCase()) || compare(a.channelId, b.channelId))
      .slice(0, limit);
  }

  async member(tenant: string, channelId: string, userId: string) {
    return strip(this.memberRows.get(`${tenant}/${channelId}/${userId}`)) ?? null;
  }

  async roster(tenant: string, channelId: string) {
    return this.memberRows.find((r) => r.tenant === tenant && r.channelId === channelId).map((r) => strip(r)!);
  }

  async members(tenant: string, channelId: string) {
    return this.memberRows
      .find((r) => r.tenant === tenant && r.channelId === channelId && r.active)
      .sort((a, b) => a.joinedSeq - b.joinedSeq || compare(a.userId, b.userId))
      .map((r) => strip(r)!);
  }

  async membershipsOf(tenant: string, userId: string) {
    return this.memberRows.find((r) => r.tenant === tenant && r.userId === userId && r.active).map((r) => strip(r)!);
  }

  async message(tenant: string, channelId: string, messageId: string) {
    return this.messages.get(`${tenant}/${channelId}/${messageId}`)?.message ?? null;
  }

  async claimMessageIds(tenant: string, channelId: string, messageIds: readonly string[]) {
    return new Set(messageIds.filter((id) => !this.claims.insert({ key: `${tenant}/${channelId}/${id}`, seq: 0 })));
  }

  async messagesById(tenant: string, channelId: string, messageIds: readonly string[]) {
    return messageIds.map((id) => this.messages.get(`${tenant}/${channelId}/${id}`)?.message).filter((m): m is ChatMessage => !!m);
  }

  async history(tenant: string, channelId: string, q: HistoryQuery) {
    const view = this.viewOf(tenant, channelId);
    const wanted = (m: ChatMessage) => (q.threadRootId === null ? inChannelView(m) : m.threadRootId === q.threadRootId);
    const out: ChatMessage[] = [];
    if (q.direction === 'after') {
      for (let i = firstIndex(view, (r) => r.message.seq > q.seq); i < view.length && out.length < q.limit; i++) if (wanted(view[i].message)) out.push(view[i].message);
    } else {
      for (let i = firstIndex(view, (r) => r.message.seq >= q.seq) - 1; i >= 0 && out.length < q.limit; i--) if (wanted(view[i].message)) out.push(view[i].message);
    }
    return out;
  }

  async pins(tenant: string, channelId: string) {
    return this.viewOf(tenant, channelId)
      .filter((r) => r.message.pinned && !r.message.deleted)
      .map((r) => r.message);
  }

  async edits(tenant: string, channelId: string, messageId: string) {
    return this.editRows
      .find((r) => r.tenant === tenant && r.channelId === channelId && r.messageId === messageId)
      .map((r) => r.edit)
      .sort((a, b) => a.seq - b.seq);
  }

  async search(tenant: string, scope: { channelIds: readonly string[]; publicToo: boolean }, words: readonly string[], limit: number) {
    const channels = new Set(scope.channelIds);
    return this.messages
      .find((r) => r.tenant === tenant && !r.message.deleted && (channels.has(r.message.channelId) || (scope.publicToo && r.kind === 'public')) && words.every((w) => r.words.includes(w)))
      .map((r) => r.message)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.seq - a.seq)
      .slice(0, limit);
  }

  async unread(tenant: string, q: UnreadQuery) {
    let unread = 0;
    let mentions = 0;
    const view = this.viewOf(tenant, q.channelId);
    for (let i = firstIndex(view, (r) => r.message.seq > q.afterSeq); i < view.length; i++) {
      const m = view[i].message;
      if (m.deleted || m.authorId === q.userId) continue;
      if (q.threadRootId === null ? !inChannelView(m) : m.threadRootId !== q.threadRootId) continue;
      unread++;
      if (m.mentions.channel || m.mentions.here || m.mentions.userIds.includes(q.userId)) mentions++;
    }
    return { unread, mentions };
  }

  async readMarker(tenant: string, channelId: string, userId: string, threadRootId: string | null) {
    const row = this.reads.get(`${tenant}/${channelId}/${userId}/${thread(threadRootId)}`);
    return row ? { channelId: row.channelId, userId: row.userId, threadRootId: row.threadRootId, lastReadSeq: row.lastReadSeq } : null;
  }

  async setReadMarker(tenant: string, marker: ReadMarker) {
    this.reads.put({ tenant, ...marker });
  }

  async setFollow(tenant: string, f: Omit<ThreadFollow, 'explicit'>) {
    this.follows.put({ tenant, ...f, explicit: true });
  }

  async threadFollows(tenant: string, channelId: string, threadRootId: string) {
    return this.follows
      .find((r) => r.tenant === tenant && r.channelId === channelId && r.threadRootId === threadRootId)
      .map(({ tenant: _t, ...f }) => f)
      .sort((a, b) => compare(a.userId, b.userId));
  }

  async followedBy(tenant: string, userId: string) {
    return this.follows
      .find((r) => r.tenant === tenant && r.userId === userId && r.following)
      .map(({ tenant: _t, ...f }) => f);
  }

  async checkReady() {}

  async close() {}

  private logOf(tenant: string, channelId: string): ChangeRow[] {
    const key = `${tenant}/${channelId}`;
    let log = this.logs.get(key);
    if (!log) this.logs.set(key, (log = []));
    return log;
  }

  private viewOf(tenant: string, channelId: string): MessageRow[] {
    const key = `${tenant}/${channelId}`;
    let view = this.views.get(key);
    if (!view) this.views.set(key, (view = []));
    return view;
  }
}

/** Code-unit order, as MongoDB sorts strings. */
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function strip(row: MemberRow | undefined): ChatMember | undefined {
  if (!row) return undefined;
  const { tenant: _t, ...member } = row;
  return member;
}

/** The first index whose row satisfies a predicate that is false then true along the array (binary search). */
function firstIndex<R>(rows: R[], after: (row: R) => boolean): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (after(rows[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
