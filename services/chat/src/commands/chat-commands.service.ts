import { Inject, Injectable } from '@nestjs/common';
import type { TOPICS, TopicEvent } from '@tandem/contracts';
import { LOGGER, Logger } from '@tandem/platform';
import type { Actor } from '../chat.access';
import { ChatError } from '../chat.errors';
import { ChatClock } from '../chat.clock';
import { ChatMetrics } from '../chat.metrics';
import { ChatPublisher, UserEvent } from '../chat.publisher';
import { ChangeCause, ChannelTx } from '../log/channel-tx';
import { CHAT_STORE, ChatStore, SeqConflictError, StoredChange } from '../store/chat-store.port';
import { ChannelsService } from './channels.service';
import { MessagesService } from './messages.service';
import { ThreadsService } from './threads.service';
import { UnreadService } from './unread.service';

type Command = TopicEvent<typeof TOPICS.chatCommands>;
/** How many channels of one consumed batch are applied side by side. */
const CHANNELS_AT_ONCE = 8;

const MESSAGE_KIND: Partial<Record<StoredChange['event'], string>> = {
  'tandem.chat.message.posted': 'post',
  'tandem.chat.message.edited': 'edit',
  'tandem.chat.message.deleted': 'delete',
  'tandem.chat.reaction.changed': 'reaction',
  'tandem.chat.message.pinned': 'pin',
};

/**
 * Applies `chat.commands.v1`, one channel at a time in the order Kafka delivered them. Idempotent:
 * a resent message id is stored once, any other command applied already is not applied again,
 * and a command that would change nothing records nothing. Changes are stored, then published
 * (what a crash left unpublished is published when the channel is next opened). A refused command
 * is published as `command.rejected` to its sender and changes nothing.
 */
@Injectable()
export class ChatCommandsService {
  constructor(
    @Inject(CHAT_STORE) private readonly store: ChatStore,
    @Inject(LOGGER) private readonly logger: Logger,
    private readonly publisher: ChatPublisher,
    private readonly metrics: ChatMetrics,
    private readonly channels: ChannelsService,
    private readonly messages: MessagesService,
    private readonly threads: ThreadsService,
    private readonly unread: UnreadService,
    private readonly clock: ChatClock,
  ) {}

  /** Applies one partition's batch; resolves once every change is stored and published. */
  async apply(commands: readonly Command[]): Promise<void> {
    const byChannel = new Map<string, Command[]>();
    for (const c of commands) {
      const key = `${c.tenant}/${c.data.channelId}`;
      byChannel.set(key, [...(byChannel.get(key) ?? []), c]);
    }
    // Channels are independent (each has its own log and seq): a batch's channels are applied side by side.
    const groups = [...byChannel.values()];
    let next = 0;
    const results = await Promise.allSettled(
      Array.from({ length: Math.min(CHANNELS_AT_ONCE, groups.length) }, async () => {
        while (next < groups.length) {
          const group = groups[next++];
          await this.applyToChannel(group[0].tenant, group[0].data.channelId, group);
        }
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /**
   * A seq conflict means the log has changes the derived state lacks (a crash between appending
   * and applying, or another writer): they are applied, and the commands are applied again once
   * (each is idempotent). A second conflict fails the batch, to be redelivered.
   */
  private async applyToChannel(tenant: string, channelId: string, commands: Command[]): Promise<void> {
    try {
      await this.applyOnce(tenant, channelId, commands);
    } catch (error) {
      if (!(error instanceof SeqConflictError)) throw error;
      const missed = await ChannelTx.recover(this.store, tenant, channelId);
      this.logger.warn({ tenant, channelId, missed }, 'chat log ahead of the derived state: applied what was missed, applying the batch again');
      await this.applyOnce(tenant, channelId, commands);
    }
  }

  private async applyOnce(tenant: string, channelId: string, commands: Command[]): Promise<void> {
    const tx = await ChannelTx.open(this.store, tenant, channelId, (missed) => this.publisher.publish(tenant, missed));
    // Posts are idempotent by their message id; other commands are remembered once they changed something.
    const posts = commands.filter((c): c is Extract<Command, { type: 'tandem.chat.message.post' }> => c.type === 'tandem.chat.message.post');
    const others = commands.filter((c) => c.type !== 'tandem.chat.message.post');
    const [done] = await Promise.all([this.store.appliedCommands(tenant, channelId, others.map((c) => c.data.commandId)), tx.claimPosts(posts.map((c) => c.data.messageId))]);
    await tx.prefetch(
      [...others.map((c) => ('messageId' in c.data ? c.data.messageId : null)), ...posts.map((c) => c.data.threadRootId ?? null)].filter((id): id is string => !!id),
    );
    const userEvents: UserEvent[] = [];
    const remembered: string[] = [];
    const flush = async () => {
      const changes = await tx.commit(remembered.splice(0));
      await this.publisher.publish(tenant, changes, userEvents.splice(0));
      if (changes.length) await this.store.markPublished(tenant, channelId, changes.at(-1)!.seq);
      this.observe(commands, changes);
    };
    for (const command of commands) {
      if (done.has(command.data.commandId)) continue;
      done.add(command.data.commandId);
      const before = tx.pendingCount;
      try {
        const event = await this.handle(tx, command, flush);
        if (event) userEvents.push(event);
        if (tx.pendingCount > before && command.type !== 'tandem.chat.message.post') remembered.push(command.data.commandId);
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        this.metrics.rejected.inc({ code: error.code });
        const { channelId: id, userId, commandId } = command.data;
        userEvents.push({ type: 'tandem.chat.command.rejected', data: { channelId: id, userId, commandId, code: error.code, message: error.message.slice(0, 500) } });
        this.logger.debug({ tenant, channelId, commandId, code: error.code }, `chat command refused: ${error.message}`);
      }
    }
    await flush();
  }

  /** Stream commands record into the transaction; per-user ones run on the committed state (flushed first). */
  private async handle(tx: ChannelTx, command: Command, flush: () => Promise<void>): Promise<UserEvent | void> {
    const actor: Actor = { userId: command.data.userId, workspaceRole: command.data.workspaceRole };
    const cause: ChangeCause = { actorId: actor.userId, commandId: command.data.commandId, time: this.clock.now().toISOString() };
    switch (command.type) {
      case 'tandem.chat.channel.create':
        return this.channels.create(tx, command.data, actor, cause);
      case 'tandem.chat.channel.update':
        return this.channels.update(tx, command.data, actor, cause);
      case 'tandem.chat.channel.archive':
        return this.channels.archive(tx, command.data, actor, cause);
      case 'tandem.chat.member.join':
        return this.channels.join(tx, command.data, actor, cause);
      case 'tandem.chat.member.leave':
        return this.channels.leave(tx, command.data, actor, cause);
      case 'tandem.chat.member.add':
        return this.channels.add(tx, command.data, actor, cause);
      case 'tandem.chat.member.remove':
        return this.channels.remove(tx, command.data, actor, cause);
      case 'tandem.chat.member.role':
        return this.channels.role(tx, command.data, actor, cause);
      case 'tandem.chat.message.post':
        return this.messages.post(tx, command.data, actor, cause);
      case 'tandem.chat.message.edit':
        return this.messages.edit(tx, command.data, actor, cause);
      case 'tandem.chat.message.delete':
        return this.messages.delete(tx, command.data, actor, cause);
      case 'tandem.chat.reaction.add':
        return this.messages.react(tx, command.data, true, actor, cause);
      case 'tandem.chat.reaction.remove':
        return this.messages.react(tx, command.data, false, actor, cause);
      case 'tandem.chat.message.pin':
        return this.messages.pin(tx, command.data, actor, cause);
      case 'tandem.chat.read.mark':
        if (tx.pendingCount) await flush();
        return this.unread.mark(tx.tenant, tx.channel, command.data, actor);
      case 'tandem.chat.thread.follow':
        if (tx.pendingCount) await flush();
        return this.threads.follow(tx.tenant, tx.channel, command.data, actor);
    }
  }

  private observe(commands: readonly Command[], changes: readonly StoredChange[]): void {
    if (!changes.length) return;
    const sentAt = new Map(commands.map((c) => [c.data.commandId, Date.parse(c.time)]));
    const now = Date.now();
    for (const change of changes) {
      const kind = MESSAGE_KIND[change.event];
      if (kind) this.metrics.messages.inc({ kind });
      const at = sentAt.get(change.commandId);
      if (at !== undefined) this.metrics.commandLatency.observe(Math.max(0, now - at) / 1000);
    }
  }
}
