import type { DocKindName, PresenceMember } from '@tandem/contracts';
import type { DocHandle } from '@tandem/sdk';
import { useEffect, useState } from 'preact/hooks';
import type { Workspace } from './workspace';

/** Opens a collaborative document for a screen: the live handle (re-rendered on every change), its roster and errors. */
export function useDocument<K extends DocKindName>(ws: Workspace, docId: string, kind: K) {
  const [handle, setHandle] = useState<DocHandle<K> | null>(null);
  const [error, setError] = useState('');
  const [roster, setRoster] = useState<PresenceMember[]>([]);
  const [, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let opened: DocHandle<K> | null = null;
    setHandle(null);
    setError('');
    const stopRoster = ws.client.presence.onRoster(docId, (members) => {
      setRoster(members);
      void ws.meet(members.map((m) => m.userId));
    });
    ws.client.documents.open(docId, kind).then(
      (h) => {
        if (!live) return h.close();
        opened = h;
        setHandle(h);
        setRoster(ws.client.presence.rosterOf(docId));
        // "n to send" goes down when the service announces the changes durable, which is no change of the document.
        h.onChange(() => {
          setTick((t) => t + 1);
          void h.whenDurable().then(() => live && setTick((t) => t + 1), () => undefined);
        });
        h.onStatus(() => setTick((t) => t + 1));
      },
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
      stopRoster();
      opened?.close();
    };
  }, [docId, kind]);
  return { handle, error, roster };
}
