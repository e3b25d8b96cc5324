import type { ChatAttachment } from '@tandem/contracts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../components/icons';
import type { Workspace } from '../lib/workspace';

/** A file picked in the composer: uploading (with progress), stored, or refused. */
type Pending = { key: string; file: File; localUrl: string | null; sent: number; total: number; fileId?: string; error?: string };

const newMessageId = () => crypto.randomUUID().replace(/-/g, '');
export const fileSize = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);

/**
 * The message box of a channel or thread: says "typing" to the others while there is text, uploads
 * attached files at once (straight to the object store, with progress and a local preview) to the
 * message being written, and posts text and files together once every upload is stored.
 */
export function Composer({ ws, channelId, threadRootId, label, onSend, attachable = true }: { ws: Workspace; channelId: string; threadRootId?: string; label: string; attachable?: boolean; onSend?: (text: string, attachments: ChatAttachment[], messageId: string) => Promise<void> }) {
  const [pending, setPending] = useState<Pending[]>([]);
  const latest = useRef(pending);
  latest.current = pending;
  const messageId = useRef(newMessageId());
  const input = useRef<HTMLInputElement>(null);
  const thread = threadRootId ?? null;
  // A DM that does not exist yet has no room to type in (its first message creates it).
  const typing = (active: boolean) => attachable && void ws.client.presence.chatTyping(channelId, active, thread).catch(() => undefined);
  useEffect(
    () => () => {
      typing(false);
      for (const p of latest.current) if (p.localUrl) URL.revokeObjectURL(p.localUrl);
    },
    [channelId, thread],
  );
  const update = (key: string, change: Partial<Pending>) => setPending((all) => all.map((p) => (p.key === key ? { ...p, ...change } : p)));

  const attach = (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      const key = crypto.randomUUID();
      const localUrl = file.type.startsWith('image/') ? URL.createObjectURL(file) : null;
      setPending((all) => [...all, { key, file, localUrl, sent: 0, total: file.size }]);
      ws.client.files
        .upload(file, { name: file.name, target: { kind: 'message', channelId, messageId: messageId.current }, onProgress: (sent, total) => update(key, { sent, total }) })
        .then(
          (view) => update(key, { fileId: view.fileId, sent: view.size, total: view.size }),
          // The SDK's message tells a developer how to resume; a person needs only what happened.
          (error: Error) => update(key, { error: error.message.split('; resume with')[0] }),
        );
    }
  };
  const remove = (p: Pending) => {
    if (p.localUrl) URL.revokeObjectURL(p.localUrl);
    setPending((all) => all.filter((x) => x.key !== p.key));
  };
  const uploading = pending.some((p) => !p.fileId && !p.error);
  const stored = pending.filter((p) => p.fileId);

  const send = () => {
    const el = input.current!;
    const text = el.value.trim() || stored.map((p) => p.file.name).join(', ');
    if (!text || uploading) return;
    const attachments: ChatAttachment[] = stored.map((p) => ({ fileId: p.fileId!, name: p.file.name, contentType: p.file.type || null, size: p.file.size }));
    const id = messageId.current;
    const post = onSend ? onSend(text, attachments, id) : ws.client.chat.post(channelId, text, { messageId: id, attachments, ...(threadRootId ? { threadRootId } : {}) }).acked;
    post.catch((err: Error) => ws.toast('Not sent', err.message));
    typing(false);
    el.value = '';
    for (const p of pending) if (p.localUrl) URL.revokeObjectURL(p.localUrl);
    setPending([]);
    messageId.current = newMessageId();
  };

  return (
    <form
      class="composer-box"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {pending.length > 0 && (
        <ul class="pending-files" aria-label="Attached files">
          {pending.map((p) => (
            <li key={p.key} class="pending-file" data-file={p.file.name} data-state={p.error ? 'error' : p.fileId ? 'stored' : 'uploading'}>
              <span class="pending-thumb">{p.localUrl ? <img src={p.localUrl} alt="" /> : <Icon name="file" size={22} />}</span>
              <span class="pending-meta">
                <span class="name" title={p.file.name}>
                  {p.file.name}
                </span>
                {p.error ? (
                  <span class="error small">{p.error}</span>
                ) : p.fileId ? (
                  <span class="muted small">{fileSize(p.file.size)}</span>
                ) : (
                  <progress aria-label={`Uploading ${p.file.name}`} max={p.total || 1} value={p.sent} />
                )}
              </span>
              <button type="button" class="icon-button ghost" aria-label={`Remove ${p.file.name}`} onClick={() => remove(p)}>
                <Icon name="close" size={14} />
              </button>
            </li>
          ))}
        </ul>
      )}
      <div class="composer">
        {attachable && (
          <label class="icon-button ghost attach" title="Attach files">
            <Icon name="clip" size={18} />
            <input type="file" multiple class="visually-hidden" aria-label="Attach files" onChange={(e) => attach((e.currentTarget as HTMLInputElement).files)} />
          </label>
        )}
        <input ref={input} name="text" aria-label={label} placeholder={`${label}…`} maxLength={4000} autoComplete="off" onInput={(e) => typing((e.currentTarget as HTMLInputElement).value.trim() !== '')} onBlur={() => typing(false)} />
        <button type="submit" class="primary" disabled={uploading}>
          Send
        </button>
      </div>
    </form>
  );
}

/** "Ann is typing…" under a channel or thread, from the presence service (yourself left out). */
export function TypingLine({ ws, channelId, threadRootId }: { ws: Workspace; channelId: string; threadRootId?: string }) {
  const [names, setNames] = useState<string[]>([]);
  useEffect(() => {
    setNames([]);
    return ws.client.presence.onChatTyping(channelId, (typists, thread) => {
      if (thread !== (threadRootId ?? null)) return;
      setNames(typists.filter((t) => t.userId !== ws.session.userId).map((t) => t.name));
    });
  }, [channelId, threadRootId]);
  const text = names.length === 0 ? '' : names.length === 1 ? `${names[0]} is typing…` : names.length === 2 ? `${names[0]} and ${names[1]} are typing…` : `${names.length} people are typing…`;
  return (
    <p class="typing-line muted small" aria-live="polite" data-typing={names.join(',') || undefined}>
      {text && (
        <>
          <span class="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {text}
        </>
      )}
    </p>
  );
}
