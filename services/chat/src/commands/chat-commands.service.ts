import { Inject, Injectable } from '@nestjs/common';
import type { TOPICS, TopicEvent } from '@tandem/contracts';
import { LOGGER, Logger } from '@tandem/platform';
import type { Actor } from '../chat.access';
import { ChatError } from '../chat.errors';
import { ChatClock } from '../chat.clock';
import { ChatMetrics } from '../chat.metrics';
import { ChatPublisher, UserEvent } from '../chat.publisher';
import { ChangeCause, ChannelTx } from '../log/channel-tx';
import { CHAT_STORE, ChatStore, StoredChange } from '../store/chat-store.port';
import { ChannelsService } from './channels.service';
import { MessagesService } from './messages.service';
import { ThreadsService } from './threads.service';
import { UnreadService } from './unread.service';

type Command = TopicEvent<typeof TOPICS.chatCommands>;

const MESSAGE_KIND: Partial<Record<StoredChange['event'], string>> = {
  'tandem.chat.message.posted': 'post',
  'tandem.chat.message.edited': 'edit',
  'tandem.chat.message.deleted': 'delete',
  'tandem.chat.reaction.changed': 'reaction',
  'tandem.chat.message.pinned': 'pin',
};

/**
 * Applies `chat.commands.v1`, one channel at a time in the order Kafka delivered them. Idempotent:
 * a command whose changes are in the log already is not applied again (its changes are published
 * again instead, in case the first publish was lost), a resent message id is stored once, and a
 * command that would change nothing records nothing. A refused command is published as
 * `command.rejected` to its sender and changes nothing.
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
    for (const group of byChannel.values()) await this.applyToChannel(group[0].tenant, group[0].data.channelId, group);
  }

  private async applyToChannel(tenant: string, channelId: string, commands: Command[]): Promise<void> {
    const tx = await ChannelTx.open(this.store, tenant, channelId, (missed) => this.publisher.publish(tenant, missed));
    const applied = await this.store.changesOf(tenant, channelId, commands.map((c) => c.data.commandId));
    const done = new Set(applied.map((c) => c.commandId));
    const again: StoredChange[] = applied;
    const userEvents: UserEvent[] = [];
    const flush = async () => {
      const changes = await tx.commit();
      await this.publisher.publish(tenant, [...again.splice(0), ...changes], userEvents.splice(0));
      this.observe(commands, changes);
    };
    for (const command of commands) {
      if (done.has(command.data.commandId)) continue;
      done.add(command.data.commandId);
      try {
        const event = await this.handle(tx, command, flush);
        if (event) userEvents.push(event);
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
        if (tx.hasPending) await flush();
        return this.unread.mark(tx.tenant, tx.channel, command.data, actor);
      case 'tandem.chat.thread.follow':
        if (tx.hasPending) await flush();
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
