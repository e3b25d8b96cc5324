import { Ack, ChannelRole, ChatAttachment, ChatChange, ChatClientCommand, ChatRequest, ChatResponses, ServerEvent, dmChannelId } from '@tandem/contracts';
import type { z } from 'zod';
import { ChatChannelHandle } from './chat-channel';

type Emit = (message: z.input<typeof ChatRequest>) => Promise<Ack<ChatResponses[keyof ChatResponses]>>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** Sends a command through the client's outbox (kept until the gateway acknowledges it, resent after reconnects). */
type Send = (command: ChatClientCommand) => { commandId: string; acked: Promise<void> };
type ChatEvent = Extract<ServerEvent, { type: 'chat.change' | 'chat.read' | 'chat.thread.followed' | 'chat.rejected' | 'chat.removed' }>;
type Listener<T> = (value: T) => void;

/** An error the chat API answered with; `code` is a `ProtocolErrorCode`. */
export class ChatError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ChatError';
  }
}

/** A command sent: its id, and a promise that resolves once the gateway has it durably (Kafka). */
export type Sent = { commandId: string; acked: Promise<void> };

export interface PostOptions {
  /** The client-generated message id; resending the same id never makes a second message. */
  messageId?: string;
  /** Replies in the thread of this top-level message. */
  threadRootId?: string;
  /** A thread reply also shown in the channel. */
  alsoToChannel?: boolean;
  /** Files (from `client.files`) attached by id. */
  attachments?: ChatAttachment[];
}

const newId = () => globalThis.crypto.randomUUID().replace(/-/g, '');

/**
 * Chat through the client's connection: channels and DMs, messages, threads, reactions, pins,
 * unread state and search. Writes go through the outbox (acknowledged once durable, resent after
 * a reconnect, never applied twice); {@link open} keeps a channel's state current live and catches
 * up exactly what was missed after every reconnect. Obtained from `client.chat`.
 */
export class ChatApi {
  private readonly open_ = new Map<string, ChatChannelHandle>();
  private readonly listeners = { rejected: new Set<Listener<Extract<ChatEvent, { type: 'chat.rejected' }>>>(), read: new Set<Listener<Extract<ChatEvent, { type: 'chat.read' }>>>() };

  constructor(
    private readonly emit: Emit,
    private readonly sendCommand: Send,
  ) {}

  /**
   * Subscribes to a channel and returns its live state: the latest `pageSize` messages, then every
   * change as it happens. Rejects with a {@link ChatError} (`FORBIDDEN` for a channel the user may
   * not read, `NOT_FOUND`) if it cannot.
   */
  async open(channelId: string, pageSize = 50): Promise<ChatChannelHandle> {
    const held = this.open_.get(channelId);
    if (held) return held;
    const sub = await this.request({ type: 'chat.subscribe', channelId });
    const handle = new ChatChannelHandle(sub.channel, sub.read, (since) => this.changesSince(channelId, since), () => {
      this.open_.delete(channelId);
      void this.emit({ type: 'chat.unsubscribe', channelId }).catch(() => undefined);
    });
    this.open_.set(channelId, handle);
    const page = await this.history(channelId, { limit: pageSize });
    handle.load(page.messages);
    handle.startAt(sub.channel.seq);
    await handle.resync();
    return handle;
  }

  /** Every change of a channel after `sinceSeq`, in seq order (as many catch-up calls as it takes). */
  async changesSince(channelId: string, sinceSeq: number): Promise<ChatChange[]> {
    const out: ChatChange[] = [];
    for (let since = sinceSeq; ; ) {
      const page = await this.request({ type: 'chat.catchup', channelId, sinceSeq: since, limit: 1000 });
      out.push(...page.changes);
      if (page.complete || !page.changes.length) return out;
      since = page.changes.at(-1)!.seq;
    }
  }

  /** Creates a public or private channel; the creator owns it, `memberIds` join as editors. */
  createChannel(channelId: string, options: { kind: 'public' | 'private'; name: string; topic?: string; description?: string; memberIds?: string[] }): Sent {
    return this.send({ type: 'chat.channel.create', channelId, ...options });
  }

  /** Renames, or sets the topic or description (owners). */
  updateChannel(channelId: string, changes: { name?: string; topic?: string; description?: string }): Sent {
    return this.send({ type: 'chat.channel.update', channelId, ...changes });
  }

  archive(channelId: string, archived = true): Sent {
    return this.send({ type: 'chat.channel.archive', channelId, archived });
  }

  join(channelId: string): Sent {
    return this.send({ type: 'chat.channel.join', channelId });
  }

  leave(channelId: string): Sent {
    return this.send({ type: 'chat.channel.leave', channelId });
  }

  invite(channelId: string, userId: string, role?: ChannelRole): Sent {
    return this.send({ type: 'chat.member.add', channelId, userId, ...(role ? { role } : {}) });
  }

  removeMember(channelId: string, userId: string): Sent {
    return this.send({ type: 'chat.member.remove', channelId, userId });
  }

  setRole(channelId: string, userId: string, role: ChannelRole): Sent {
    return this.send({ type: 'chat.member.role', channelId, userId, role });
  }

  /** Posts a message (markdown, at most 10,000 characters); returns its id with the command. */
  post(channelId: string, text: string, options: PostOptions = {}): Sent & { messageId: string } {
    const messageId = options.messageId ?? newId();
    return { messageId, ...this.send({ type: 'chat.message.post', channelId, messageId, text, ...withoutId(options) }) };
  }

  /** Sends a direct message to `userIds` (the sender is added); the DM is created by its first message. */
  sendDirect(me: string, userIds: string[], text: string, options: PostOptions = {}): Sent & { messageId: string; channelId: string } {
    const participants = [...new Set([me, ...userIds])].sort();
    const channelId = dmChannelId(participants);
    const messageId = options.messageId ?? newId();
    return { channelId, messageId, ...this.send({ type: 'chat.message.post', channelId, messageId, text, participants, ...withoutId(options) }) };
  }

  edit(channelId: string, messageId: string, text: string): Sent {
    return this.send({ type: 'chat.message.edit', channelId, messageId, text });
  }

  delete(channelId: string, messageId: string): Sent {
    return this.send({ type: 'chat.message.delete', channelId, messageId });
  }

  react(channelId: string, messageId: string, emoji: string, added = true): Sent {
    return this.send({ type: added ? 'chat.reaction.add' : 'chat.reaction.remove', channelId, messageId, emoji });
  }

  pin(channelId: string, messageId: string, pinned = true): Sent {
    return this.send({ type: 'chat.message.pin', channelId, messageId, pinned });
  }

  /** Marks the channel (or one thread) read up to `seq`. */
  markRead(channelId: string, seq: number, threadRootId: string | null = null): Sent {
    return this.send({ type: 'chat.read.mark', channelId, threadRootId, lastReadSeq: seq });
  }

  /** Marks a message and everything after it unread. */
  markUnreadFrom(channelId: string, message: { seq: number; threadRootId?: string | null }, threadRootId: string | null = null): Sent {
    return this.markRead(channelId, Math.max(0, message.seq - 1), threadRootId);
  }

  follow(channelId: string, threadRootId: string, following = true): Sent {
    return this.send({ type: 'chat.thread.follow', channelId, threadRootId, following });
  }

  /** The user's channels and DMs with unread and mention counts, most recent activity first. */
  async channels(): Promise<ChatResponses['chat.channels']['channels']> {
    return (await this.request({ type: 'chat.channels' })).channels;
  }

  /** Public channels whose name contains `query`. */
  async browse(query = '', limit = 50): Promise<ChatResponses['chat.browse']['channels']> {
    return (await this.request({ type: 'chat.browse', query, limit })).channels;
  }

  /** A page of history in seq order: the latest, or `before`/`after`/`around` a seq (of the channel or of one thread). */
  history(channelId: string, options: { before?: number; after?: number; around?: number; threadRootId?: string; limit?: number } = {}): Promise<ChatResponses['chat.history']> {
    const anchor = options.before !== undefined ? { direction: 'before' as const, seq: options.before } : options.after !== undefined ? { direction: 'after' as const, seq: options.after } : options.around !== undefined ? { direction: 'around' as const, seq: options.around } : null;
    return this.request({ type: 'chat.history', channelId, threadRootId: options.threadRootId ?? null, anchor, limit: options.limit ?? 50 });
  }

  /** Messages containing every word of `query`, in the channels the user can read (or one). */
  async search(query: string, options: { channelId?: string; limit?: number } = {}): Promise<ChatResponses['chat.search']['messages']> {
    return (await this.request({ type: 'chat.search', query, channelId: options.channelId ?? null, limit: options.limit ?? 50 })).messages;
  }

  /** Read markers, unread and mention counts of every channel and followed thread. */
  unread(): Promise<ChatResponses['chat.unread']> {
    return this.request({ type: 'chat.unread' });
  }

  async members(channelId: string): Promise<ChatResponses['chat.members']['members']> {
    return (await this.request({ type: 'chat.members', channelId })).members;
  }

  /** One message with its edit history. */
  message(channelId: string, messageId: string): Promise<ChatResponses['chat.message']> {
    return this.request({ type: 'chat.message', channelId, messageId });
  }

  async pins(channelId: string): Promise<ChatResponses['chat.pins']['messages']> {
    return (await this.request({ type: 'chat.pins', channelId })).messages;
  }

  /** Calls `listener` when the chat service refuses a command the gateway had acknowledged. */
  onRejected(listener: Listener<Extract<ChatEvent, { type: 'chat.rejected' }>>): () => void {
    this.listeners.rejected.add(listener);
    return () => this.listeners.rejected.delete(listener);
  }

  /** Calls `listener` when the user's read state of any channel or thread changes (any device). */
  onRead(listener: Listener<Extract<ChatEvent, { type: 'chat.read' }>>): () => void {
    this.listeners.read.add(listener);
    return () => this.listeners.read.delete(listener);
  }

  /** @internal Routes a chat event from the socket. */
  dispatch(event: ChatEvent): void {
    switch (event.type) {
      case 'chat.change':
        void this.open_.get(event.change.channelId)?.apply(event.change).catch(() => undefined); // a failed catch-up is retried on the next change or reconnect
        break;
      case 'chat.read':
        this.open_.get(event.channelId)?.setRead(event);
        for (const l of this.listeners.read) l(event);
        break;
      case 'chat.rejected':
        for (const l of this.listeners.rejected) l(event);
        break;
      case 'chat.removed': {
        const handle = this.open_.get(event.channelId);
        this.open_.delete(event.channelId);
        handle?.setRemoved(event.message);
        break;
      }
      case 'chat.thread.followed':
        break;
    }
  }

  /** @internal After a reconnect: back into every open channel's room, then exactly what was missed. */
  async resync(): Promise<void> {
    await Promise.all(
      [...this.open_.values()].map(async (handle) => {
        try {
          await this.request({ type: 'chat.subscribe', channelId: handle.channelId });
        } catch (error) {
          if (error instanceof ChatError && (error.code === 'FORBIDDEN' || error.code === 'NOT_FOUND')) {
            this.open_.delete(handle.channelId);
            return handle.setRemoved(error.message);
          }
          throw error;
        }
        await handle.resync();
      }),
    );
  }

  private send(command: DistributiveOmit<ChatClientCommand, 'commandId'>): Sent {
    return this.sendCommand({ ...command, commandId: newId() } as ChatClientCommand);
  }

  private async request<R extends z.input<typeof ChatRequest>>(message: R): Promise<ChatResponses[R['type']]> {
    const answer = await this.emit(message);
    if (!answer.ok) throw new ChatError(answer.error.code, answer.error.message);
    const { ok: _ok, ...body } = answer as { ok: true } & ChatResponses[R['type']];
    return body as unknown as ChatResponses[R['type']];
  }
}

function withoutId(options: PostOptions): Omit<PostOptions, 'messageId'> {
  const { messageId: _m, ...rest } = options;
  return rest;
}
