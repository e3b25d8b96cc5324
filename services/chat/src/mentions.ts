import type { ChatMentions } from '@tandem/contracts';

const TOKEN = /(^|[^A-Za-z0-9_.:-])@([A-Za-z0-9_.:-]+)/g;

/**
 * The mentions of a markdown text: `@channel`, `@here`, and `@<userId>` of users for whom
 * `isMember` is true (an address of a non-member mentions nobody). A trailing `.`, `:` or `-` ends
 * a sentence rather than an id (`thanks @bob.` mentions bob) unless the id with it is a member.
 * Mentions inside inline code and code blocks do not count.
 */
export async function mentionsOf(text: string, isMember: (userId: string) => Promise<boolean>): Promise<ChatMentions> {
  const prose = text.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const mentions: ChatMentions = { userIds: [], channel: false, here: false };
  for (const match of prose.matchAll(TOKEN)) {
    const token = match[2];
    if (token === 'channel' || token === 'everyone') mentions.channel = true;
    else if (token === 'here') mentions.here = true;
    else {
      for (const candidate of [token, token.replace(/[.:-]+$/, '')]) {
        if (!candidate || mentions.userIds.includes(candidate)) break;
        if (await isMember(candidate)) {
          mentions.userIds.push(candidate);
          break;
        }
      }
    }
  }
  return mentions;
}
