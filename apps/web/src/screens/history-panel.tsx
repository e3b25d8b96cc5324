import type { DocKindName, DocVersionView } from '@tandem/contracts';
import type { DocDiff } from '@tandem/documents';
import type { DocHandle } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';

/** Version history: the document's versions (newest first), each viewable with its diff from the one before, and restorable. */
export function HistoryPanel<K extends DocKindName>({ handle, onClose }: { handle: DocHandle<K>; onClose: () => void }) {
  const [versions, setVersions] = useState<DocVersionView[] | null>(null);
  const [selected, setSelected] = useState<number | null>(null);
  const [diff, setDiff] = useState<DocDiff | null>(null);
  const [message, setMessage] = useState('');
  const load = () =>
    handle.history.versions({ gapMs: 60_000 }).then(
      (v) => setVersions([...v].reverse()),
      (e: Error) => setMessage(e.message),
    );
  useEffect(() => {
    void load();
  }, [handle]);
  useEffect(() => {
    setDiff(null);
    if (selected === null || !versions) return;
    const v = versions[selected]!;
    handle.history.diff(v.parentHeads, v.heads).then(
      (d) => setDiff(d as DocDiff),
      (e: Error) => setMessage(e.message),
    );
  }, [selected, versions]);
  const restore = async (v: DocVersionView) => {
    setMessage('Restoring…');
    try {
      const { changed } = await handle.history.restore(v.heads);
      setMessage(changed ? 'Restored: the document reads as at that version again (as a new version).' : 'The document already reads like that.');
      setSelected(null);
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  return (
    <aside class="card history-panel" aria-labelledby="history-title">
      <header class="card-header">
        <h2 id="history-title">Version history</h2>
        <button class="icon-button ghost" aria-label="Close history" onClick={onClose}>
          <Icon name="close" />
        </button>
      </header>
      <p class="muted small" role="status" id="history-message">
        {message}
      </p>
      {!versions && <p class="muted">Loading…</p>}
      <ol class="versions">
        {versions?.map((v, i) => (
          <li key={v.heads.join()} data-selected={selected === i || undefined} data-type={v.type}>
            <button class="version" aria-expanded={selected === i} onClick={() => setSelected(selected === i ? null : i)}>
              <span class="version-authors">
                {v.authors.slice(0, 3).map((a) => (
                  <Avatar key={a} userId={a} size={22} />
                ))}
              </span>
              <span class="version-text">
                <strong>{v.type === 'created' ? 'Created' : v.type === 'restore' ? 'Restored' : v.type === 'migration' ? 'Upgraded' : `Edited by ${v.authors.join(', ') || 'someone'}`}</strong>
                <span class="muted small">
                  {v.to > 0 ? `${new Date(v.to).toLocaleString()} · ` : ''}
                  {v.changes} change{v.changes === 1 ? '' : 's'}
                </span>
              </span>
            </button>
            {selected === i && (
              <div class="version-detail">
                {v.type === 'created' ? <p class="muted small">The document as it was created, before any edit.</p> : diff ? <DiffView diff={diff} /> : <p class="muted small">Loading the changes…</p>}
                {i > 0 && (
                  <button class="primary small" onClick={() => void restore(v)}>
                    Restore this version
                  </button>
                )}
              </div>
            )}
          </li>
        ))}
      </ol>
    </aside>
  );
}

function DiffView({ diff }: { diff: DocDiff }) {
  switch (diff.kind) {
    case 'richtext':
      return (
        <p class="diff" aria-label={`${diff.inserted} inserted, ${diff.deleted} deleted`}>
          {diff.segments.map((s, i) => (s.type === 'equal' ? <span key={i}>{clip(s.text)}</span> : s.type === 'insert' ? <ins key={i}>{s.text.replace(/\uFFFC/g, '¶')}</ins> : <del key={i}>{s.text.replace(/\uFFFC/g, '¶')}</del>))}
        </p>
      );
    case 'kanban':
      return (
        <p class="diff small">
          {count(diff.cards.added.length, 'card added')} {count(diff.cards.removed.length, 'card removed')} {count(diff.cards.changed.length, 'card changed')} {count(diff.columns.added.length + diff.columns.removed.length + diff.columns.changed.length, 'column changed')}
        </p>
      );
    case 'whiteboard':
      return (
        <p class="diff small">
          {count(diff.items.added.length, 'item added')} {count(diff.items.removed.length, 'item removed')} {count(diff.items.changed.length, 'item changed')}
        </p>
      );
    case 'counter':
      return <p class="diff small">{diff.from} → {diff.to}</p>;
  }
}

const count = (n: number, what: string) => (n ? `${n} ${what}${n === 1 ? '' : 's'}.` : '');
/** Long unchanged text is shortened around the changes. */
const clip = (t: string) => (t.length > 80 ? `${t.slice(0, 30)} … ${t.slice(-30)}` : t).replace(/\uFFFC/g, '¶');
