import { createHash } from 'node:crypto';
import { ChatCommandSchemas, MAX_CHAT_TEXT, dmChannelId, excerptOf } from './chat.events';
import { sha256Hex } from '../util/sha256';

describe('chat contracts', () => {
  it('hashes like SHA-256 (the browser-safe implementation behind DM ids)', () => {
    for (const text of ['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'ünïcødé 🙂'.repeat(40)]) {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text).digest('hex'));
    }
  });

  it('gives the same DM id for the same participants in any order, and another for another set', () => {
    expect(dmChannelId(['bob', 'ann'])).toBe(dmChannelId(['ann', 'bob', 'ann']));
    expect(dmChannelId(['ann', 'bob'])).not.toBe(dmChannelId(['ann', 'bob', 'cy']));
    expect(dmChannelId(['ann', 'bob'])).toMatch(/^dm-[0-9a-f]{32}$/);
  });

  it('refuses text beyond the limit with a message that says what to do', () => {
    const base = { commandId: 'cmd-12345678', channelId: 'c', userId: 'u', workspaceRole: 'member', messageId: 'm1' };
    const result = ChatCommandSchemas['tandem.chat.message.post'].safeParse({ ...base, text: 'x'.repeat(MAX_CHAT_TEXT + 1) });
    expect(result.success).toBe(false);
    expect(result.error!.issues[0].message).toContain('split it into several messages');
    expect(ChatCommandSchemas['tandem.chat.message.post'].safeParse({ ...base, text: 'x'.repeat(MAX_CHAT_TEXT) }).success).toBe(true);
  });

  it('makes one-line excerpts of at most 200 characters', () => {
    expect(excerptOf('hello\n\n  world')).toBe('hello world');
    expect(excerptOf('y'.repeat(500))).toHaveLength(200);
  });
});
