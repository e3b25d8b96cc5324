import type { ChatMessage } from '@tandem/contracts';
import type { ChatChannelHandle } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import { href } from '../lib/hooks';
import type { Workspace } from '../lib/workspace';
import { MessageAttachments } from './chat-attachments';
import { Composer, TypingLine } from './chat-composer';

const REACTIONS = ['👍', '🎉', '❤️'];

/** A chat channel: its messages live, posting, reactions, edits and deletes of your own, threads in a side panel. */
export function ChatScreen({ ws, channelId, thread }: { ws: Workspace; channelId: string; thread?: string }) {
  const [handle, setHandle] = useState<ChatChannelHandle | null>(null);
  const [error, setError] = useState('');
  const [, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let opened: ChatChannelHandle | null = null;
    setHandle(null);
    setError('');
    ws.client.chat.open(channelId).then(
      (h) => {
        if (!live) return h.unsubscribe();
        opened = h;
        setHandle(h);
        h.onChange(() => setTick((t) => t + 1));
        const last = h.messages.at(-1);
        if (last) ws.client.chat.markRead(channelId, last.seq);
        void ws.refreshChannels();
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      opened?.unsubscribe();
    };
  }, [channelId]);
  // Reading the channel while it is open: new messages are marked read as they arrive.
  const latest = handle?.messages.at(-1)?.seq ?? 0;
  useEffect(() => {
    if (handle && latest > (handle.read?.lastReadSeq ?? 0)) ws.client.chat.markRead(channelId, latest);
  }, [latest]);
  const root = thread ? handle?.message(thread) : undefined;
  const member = ws.channels.some((c) => c.channelId === channelId);
  const dm = handle?.info.kind === 'dm' ? ws.dmName(channelId) : null;
  return (
    <div class="screen wide">
      <div class="screen-header">
        <div>
          <p class="eyebrow">{dm ? 'Direct message' : 'Channel'}</p>
          <h2 class="screen-title">{dm ?? `# ${handle?.info.name ?? channelId}`}</h2>
          {handle?.info.topic && <p class="muted small">{handle.info.topic}</p>}
        </div>
      </div>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class={root ? 'with-panel' : ''}>
        <section class="card flush chat">
          {handle ? <Messages ws={ws} handle={handle} list={handle.timeline} /> : <p class="muted empty">Opening…</p>}
          {handle && member && (
            <>
              <TypingLine ws={ws} channelId={channelId} />
              <Composer ws={ws} channelId={channelId} label={dm ? `Message ${dm}` : `Message #${handle.info.name}`} />
            </>
          )}
          {handle && !member && (
            <div class="composer">
              <span class="muted">You are not in #{handle.info.name} yet.</span>
              <button class="primary" onClick={() => ws.client.chat.join(channelId).acked.then(() => ws.refreshChannels(), (e: Error) => ws.toast('Not joined', e.message))}>
                Join #{handle.info.name}
              </button>
            </div>
          )}
        </section>
        {root && handle && (
          <aside class="card flush chat thread-panel" aria-label="Thread">
            <header class="card-header padded">
              <h2>Thread</h2>
              <a class="icon-button ghost" href={href('chat', channelId)} aria-label="Close thread">
                <Icon name="close" />
              </a>
            </header>
            <Messages ws={ws} handle={handle} list={[root, ...handle.messages.filter((m) => m.threadRootId === root.messageId)]} inThread />
            <TypingLine ws={ws} channelId={channelId} threadRootId={root.messageId} />
            <Composer ws={ws} channelId={channelId} threadRootId={root.messageId} label="Reply in thread" />
          </aside>
        )}
      </div>
    </div>
  );
}

function Messages({ ws, handle, list, inThread }: { ws: Workspace; handle: ChatChannelHandle; list: ChatMessage[]; inThread?: boolean }) {
  const [editing, setEditing] = useState<string | null>(null);
  const me = ws.session.userId;
  if (list.length === 0) return <p class="empty small">No messages yet: say hello.</p>;
  return (
    <ol class="messages" aria-label={inThread ? 'Thread messages' : 'Messages'}>
      {list.map((m) => (
        <li key={m.messageId} class="message" data-message={m.messageId} data-deleted={m.deleted || undefined}>
          <Avatar userId={m.authorId} size={34} />
          <div class="message-body">
            <div class="message-head">
              <strong>{ws.people.get(m.authorId)?.name ?? m.authorId}</strong>
              <time class="muted small">{new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}</time>
              {m.editedAt && <span class="muted small">(edited)</span>}
            </div>
            {editing === m.messageId ? (
              <form
                onSubmit={(e) => {
                  e.preventDefault();
                  const t = ((e.currentTarget as HTMLFormElement).elements.namedItem('edit') as HTMLInputElement).value.trim();
                  if (t) ws.client.chat.edit(handle.channelId, m.messageId, t);
                  setEditing(null);
                }}
              >
                <input name="edit" aria-label="Edit message" defaultValue={m.text} autoFocus onKeyDown={(e) => e.key === 'Escape' && setEditing(null)} />
              </form>
            ) : (
              <p class="message-text">{m.deleted ? <em class="muted">This message was deleted.</em> : m.text}</p>
            )}
            {!m.deleted && <MessageAttachments ws={ws} attachments={m.attachments} />}
            {!m.deleted && (
              <div class="message-actions">
                {m.reactions.map((r) => (
                  <button key={r.emoji} class="reaction" aria-pressed={r.userIds.includes(me)} aria-label={`${r.emoji} ${r.userIds.length}`} onClick={() => ws.client.chat.react(handle.channelId, m.messageId, r.emoji, !r.userIds.includes(me))}>
                    {r.emoji} {r.userIds.length}
                  </button>
                ))}
                {REACTIONS.filter((e) => !m.reactions.some((r) => r.emoji === e)).map((e) => (
                  <button key={e} class="reaction add" aria-label={`React ${e}`} onClick={() => ws.client.chat.react(handle.channelId, m.messageId, e)}>
                    {e}
                  </button>
                ))}
                {!inThread && (
                  <a class="thread-link small" href={href('chat', handle.channelId, m.messageId)}>
                    {m.thread?.replyCount ? `${m.thread.replyCount} repl${m.thread.replyCount === 1 ? 'y' : 'ies'}` : 'Reply in thread'}
                  </a>
                )}
                {m.authorId === me && (
                  <>
                    <button class="link-button small" onClick={() => setEditing(m.messageId)}>
                      Edit
                    </button>
                    <button class="link-button small" onClick={() => ws.client.chat.delete(handle.channelId, m.messageId)}>
                      Delete
                    </button>
                  </>
                )}
              </div>
            )}
          </div>
        </li>
      ))}
    </ol>
  );
}
