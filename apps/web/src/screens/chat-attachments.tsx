import type { ChatAttachment, FileView } from '@tandem/contracts';
import { useEffect, useState } from 'preact/hooks';
import { Icon } from '../components/icons';
import type { Workspace } from '../lib/workspace';
import { fileSize } from './chat-composer';

/** The files of a message: a preview once the files service has made one (live, from the channel's file events). */
export function MessageAttachments({ ws, attachments }: { ws: Workspace; attachments: ChatAttachment[] }) {
  if (!attachments.length) return null;
  return (
    <ul class="message-files" aria-label="Attachments">
      {attachments.map((a) => (
        <AttachmentTile key={a.fileId} ws={ws} attachment={a} />
      ))}
    </ul>
  );
}

function AttachmentTile({ ws, attachment }: { ws: Workspace; attachment: ChatAttachment }) {
  const [view, setView] = useState<FileView | null>(null);
  const [failed, setFailed] = useState('');
  const [urls, setUrls] = useState<{ preview?: string; download: string } | null>(null);
  const { fileId } = attachment;
  useEffect(() => {
    let live = true;
    // Listening first: the preview may become ready between the read and the subscription.
    const stop = ws.client.files.onEvent((e) => {
      if ((e.type === 'file.uploaded' || e.type === 'file.preview.ready') && e.file.fileId === fileId) setView((v) => (v?.status === 'ready' ? v : e.file));
      else if ((e.type === 'file.failed' || e.type === 'file.deleted') && e.fileId === fileId) setFailed(e.type === 'file.failed' ? e.message : 'This file was deleted.');
    });
    ws.client.files.get(fileId).then(
      (v) => live && setView((now) => (now?.status === 'ready' ? now : v)),
      (e: Error) => live && setFailed(e.message),
    );
    return () => {
      live = false;
      stop();
    };
  }, [fileId]);
  const ready = view?.status === 'ready';
  useEffect(() => {
    if (!ready) return;
    let live = true;
    ws.client.files.urls(fileId).then(
      (u) => live && setUrls({ preview: u.previews.small, download: u.download }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [fileId, ready]);
  const name = attachment.name ?? view?.name ?? 'file';
  return (
    <li class="message-file" data-file={name} data-status={failed ? 'failed' : (view?.status ?? 'loading')}>
      <a href={urls?.download} target="_blank" rel="noopener" class="thumb" aria-label={`Download ${name}`}>
        {urls?.preview ? <img src={urls.preview} alt={`Preview of ${name}`} /> : <span class="thumb-icon">{ready || failed ? <Icon name="file" size={28} /> : <span class="spinner" aria-label="Making a preview" />}</span>}
      </a>
      <span class="file-meta">
        <span class="name" title={name}>
          {name}
        </span>
        <span class={failed ? 'error small' : 'muted small'}>{failed || (ready ? fileSize(view!.size) : 'preparing preview…')}</span>
      </span>
    </li>
  );
}
