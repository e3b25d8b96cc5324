import { Inject, Injectable } from '@nestjs/common';
import { ChatChannel, dmChannelId } from '@tandem/contracts';
import { CONFIG, Config } from '@tandem/platform';
import type { Actor } from '../chat.access';
import { ChatError, invalid } from '../chat.errors';
import type { ChangeCause, ChannelTx } from '../log/channel-tx';
import type { ChatWrite } from '../store/chat-store.port';
import { unique } from './command-types';

/**
 * Direct messages: 1:1 and group DMs up to `CHAT_MAX_DM_SIZE` members, created by their first
 * message. The channel id is a hash of the member set, so the same people always share one DM and
 * whoever writes first creates it. DM members are editors; nobody can join, be added or leave.
 */
@Injectable()
export class DmsService {
  constructor(@Inject(CONFIG) private readonly config: Config) {}

  /** Records the DM's `channel.created` (the caller then records the first message). */
  start(tx: ChannelTx, participants: readonly string[], actor: Actor, cause: ChangeCause): void {
    const members = unique(participants).sort();
    if (!members.includes(actor.userId)) throw invalid('participants must include yourself');
    if (members.length < 2) throw invalid('a DM needs at least one other participant');
    if (members.length > this.config.CHAT_MAX_DM_SIZE) throw new ChatError('LIMIT_EXCEEDED', `a DM has at most ${this.config.CHAT_MAX_DM_SIZE} members; create a private channel instead`);
    if (dmChannelId(members) !== tx.channelId) throw invalid('the channel id of a new DM must be dmChannelId(participants)');
    const seq = tx.nextSeq;
    const channel: ChatChannel = {
      channelId: tx.channelId,
      kind: 'dm',
      name: members.join(', ').slice(0, 80),
      topic: '',
      description: '',
      archived: false,
      createdBy: actor.userId,
      createdAt: cause.time,
      seq,
      memberCount: members.length,
      lastActivityAt: cause.time,
    };
    const writes: ChatWrite[] = members.map((userId) => ({ kind: 'member', member: { channelId: tx.channelId, userId, role: 'editor', joinedSeq: seq, active: true, version: seq } }));
    tx.record('tandem.chat.channel.created', cause, channel, { info: channel, memberIds: members }, writes);
  }
}
