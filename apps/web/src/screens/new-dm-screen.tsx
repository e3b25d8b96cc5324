import { dmChannelId } from '@tandem/contracts';
import { useEffect } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { go } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';
import { Composer } from './chat-composer';

/** A direct message to someone you have no DM with yet: its first message creates it, then it opens. */
export function NewDmScreen({ ws, userId }: { ws: Workspace; userId: string }) {
  const me = ws.session.userId;
  const channelId = dmChannelId([me, userId]);
  const exists = ws.channels.some((c) => c.channelId === channelId);
  useEffect(() => {
    void ws.meet([userId]);
    if (exists) go('chat', channelId);
  }, [userId, exists]);
  const name = ws.people.get(userId)?.name ?? userId;
  return (
    <div class="screen wide">
      <div class="screen-header">
        <div>
          <p class="eyebrow">Direct message</p>
          <h2 class="screen-title">{name}</h2>
        </div>
      </div>
      <section class="card flush chat">
        <div class="empty dm-intro">
          <Avatar userId={userId} name={name} size={56} />
          <p>
            This is the beginning of your direct messages with <strong>{name}</strong>.
          </p>
        </div>
        <Composer
          ws={ws}
          channelId={channelId}
          label={`Message ${name}`}
          attachable={false}
          onSend={async (text) => {
            await ws.client.chat.sendDirect(me, [userId], text).acked;
            if (await ws.whenListed(channelId)) go('chat', channelId);
          }}
        />
      </section>
    </div>
  );
}
