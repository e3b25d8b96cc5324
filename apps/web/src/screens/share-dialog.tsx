import type { AclState, ResourceRole } from '@tandem/contracts';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Avatar } from '../components/avatar';
import { Icon } from '../components/icons';
import type { Workspace } from '../lib/workspace';

/** Share a document: give a person a role (they are notified) and see who has access. */
export function ShareDialog({ ws, docId, onClose }: { ws: Workspace; docId: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [acl, setAcl] = useState<AclState | null>(null);
  const [message, setMessage] = useState('');
  const resource = { kind: 'doc' as const, id: docId };
  const load = () => ws.client.access.acl(resource).then(setAcl, (e: Error) => setMessage(e.message));
  useEffect(() => {
    dialog.current?.showModal();
    void load();
  }, []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const who = (form.elements.namedItem('share-user') as HTMLInputElement).value.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    const role = (form.elements.namedItem('share-role') as HTMLSelectElement).value as ResourceRole;
    if (!who) return;
    try {
      await ws.client.access.grant(resource, who, role);
      setMessage(`${who} can now ${role === 'viewer' ? 'view' : role === 'commenter' ? 'comment' : 'edit'}; they have been notified.`);
      form.reset();
      void ws.meet([who]);
      setTimeout(() => void load(), 500);
    } catch (err) {
      setMessage((err as Error).message);
    }
  };
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby="share-title" onClose={onClose}>
      <header class="card-header">
        <h2 id="share-title">Share “{docId}”</h2>
        <button class="icon-button ghost" aria-label="Close" onClick={() => dialog.current?.close()}>
          <Icon name="close" />
        </button>
      </header>
      <form class="share-form" onSubmit={submit}>
        <input name="share-user" aria-label="Person to share with" placeholder="Name or user id" required />
        <select name="share-role" aria-label="Role">
          <option value="editor">Can edit</option>
          <option value="commenter">Can comment</option>
          <option value="viewer">Can view</option>
        </select>
        <button type="submit" class="primary">
          Share
        </button>
      </form>
      <p class="muted small" role="status">
        {message}
      </p>
      <h3 class="subhead">People with access</h3>
      <ul class="acl-list">
        {acl?.grants.map((g) => (
          <li key={g.userId}>
            <Avatar userId={g.userId} size={24} /> <span>{g.userId}</span> <span class="role-chip">{g.role}</span>
          </li>
        ))}
        {acl && (
          <li class="muted small">
            Everyone in the workspace: <strong>{acl.workspaceAccess === 'none' ? 'no access' : acl.workspaceAccess}</strong>
          </li>
        )}
      </ul>
    </dialog>
  );
}
