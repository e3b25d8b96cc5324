import type { FileView } from '@tandem/contracts';
import type { FileEvent } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Icon } from '../components/icons';
import type { Workspace } from '../lib/workspace';

type Upload = { key: string; name: string; sent: number; total: number; error?: string };

/** A document's files: upload (button or drop) with progress, and every member's files with previews, live. */
export function FilesPanel({ ws, docId }: { ws: Workspace; docId: string }) {
  const [files, setFiles] = useState<FileView[]>([]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [progress, setProgress] = useState<Record<string, number>>({});
  const [dragging, setDragging] = useState(false);
  const ours = (target: FileView['target']) => {
    return (target.kind === 'doc' || target.kind === 'card') && target.docId === docId;
  };
  useEffect(() => {
    let live = true;
    setFiles([]);
    ws.client.files.list({ kind: 'doc', id: docId }).then(
      (l) => live && setFiles((now) => merge(l.files, now)),
      () => undefined,
    );
    const stop = ws.client.files.onEvent((e: FileEvent) => {
      if (e.type === 'file.uploaded' || e.type === 'file.preview.ready') ours(e.file.target) && setFiles((now) => merge([e.file], now));
      else if (e.type === 'file.preview.progress' && ours(e.target)) setProgress((p) => ({ ...p, [e.fileId]: e.progress }));
      else if (e.type === 'file.deleted' || e.type === 'file.failed') {
        setFiles((now) => now.filter((f) => f.fileId !== e.fileId));
        if (e.type === 'file.failed' && ours(e.target)) ws.toast(`${e.name} was refused`, e.message);
      }
    });
    return () => {
      live = false;
      stop();
    };
  }, [docId]);

  const upload = async (list: FileList | null) => {
    for (const file of Array.from(list ?? [])) {
      const key = crypto.randomUUID();
      const set = (u: Partial<Upload>) => setUploads((all) => all.map((x) => (x.key === key ? { ...x, ...u } : x)));
      setUploads((all) => [...all, { key, name: file.name, sent: 0, total: file.size }]);
      try {
        const view = await ws.client.files.upload(file, { name: file.name, target: { kind: 'doc', docId }, onProgress: (sent, total) => set({ sent, total }) });
        setFiles((now) => merge([view], now));
        setUploads((all) => all.filter((x) => x.key !== key));
      } catch (error) {
        // The SDK's message tells a developer how to resume; a person needs only what happened.
        set({ error: (error as Error).message.split('; resume with')[0] });
      }
    }
  };

  return (
    <section
      class="card files-panel"
      aria-labelledby="files-title"
      data-dragging={dragging || undefined}
      onDragOver={(e) => {
        e.preventDefault();
        setDragging(true);
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        void upload(e.dataTransfer?.files ?? null);
      }}
    >
      <header class="card-header">
        <h2 id="files-title">Files</h2>
        <label class="button secondary small">
          <Icon name="upload" size={16} /> Upload
          <input type="file" multiple class="visually-hidden" aria-label="Upload files" onChange={(e) => void upload((e.currentTarget as HTMLInputElement).files)} />
        </label>
      </header>
      {uploads.map((u) => (
        <div class="upload-row" key={u.key} data-error={u.error ? 'true' : undefined}>
          <Icon name="file" />
          <span class="name">{u.name}</span>
          {u.error ? (
            <span class="error small">{u.error}</span>
          ) : (
            <progress aria-label={`Uploading ${u.name}`} max={u.total || 1} value={u.sent} />
          )}
        </div>
      ))}
      {files.length === 0 && uploads.length === 0 ? (
        <p class="empty small">Drop files here to share them with everyone in this document.</p>
      ) : (
        <ul class="file-grid">
          {files.map((f) => (
            <FileTile key={f.fileId} ws={ws} file={f} progress={progress[f.fileId]} />
          ))}
        </ul>
      )}
    </section>
  );
}

function FileTile({ ws, file, progress }: { ws: Workspace; file: FileView; progress?: number }) {
  const [urls, setUrls] = useState<{ preview?: string; download: string } | null>(null);
  useEffect(() => {
    if (file.status !== 'ready') return;
    let live = true;
    ws.client.files.urls(file.fileId).then(
      (u) => live && setUrls({ preview: u.previews.small, download: u.download }),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [file.fileId, file.status]);
  const ready = file.status === 'ready';
  return (
    <li class="file-tile" data-file={file.name} data-status={file.status}>
      <a href={urls?.download} target="_blank" rel="noopener" aria-label={`Download ${file.name}`} class="thumb">
        {urls?.preview ? <img src={urls.preview} alt={`Preview of ${file.name}`} loading="lazy" /> : <span class="thumb-icon">{ready ? <Icon name="file" size={28} /> : <span class="spinner" aria-label="Making a preview" />}</span>}
      </a>
      <span class="file-meta">
        <span class="name" title={file.name}>
          {file.name}
        </span>
        <span class="muted small">{ready ? size(file.size) : `preparing preview${progress ? ` ${Math.round(progress * 100)}%` : '…'}`}</span>
      </span>
    </li>
  );
}

function merge(incoming: FileView[], now: FileView[]): FileView[] {
  const byId = new Map(now.map((f) => [f.fileId, f]));
  for (const f of incoming) {
    const old = byId.get(f.fileId);
    // A preview-ready view must not be replaced by an older "processing" one arriving late.
    if (!old || old.status !== 'ready' || f.status === 'ready') byId.set(f.fileId, f);
  }
  return [...byId.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 ** 2).toFixed(1)} MB`);
