import type { DocKindName } from '@tandem/contracts';

/** One command of a document's outbox: local changes sent together, waiting to be announced durable. */
export interface DocOutboxEntry {
  commandId: string;
  changes: Uint8Array[];
}

/** What a device keeps of one document between sessions. */
export interface StoredDoc {
  /** The document as last saved on this device (`Automerge.save`), if ever. */
  doc: Uint8Array | null;
  /** The heads of the docs service this device last synced to (sent on join: only what is missing comes back). */
  syncedHeads: string[];
  /** Local changes not yet durable on the server, oldest first. */
  outbox: DocOutboxEntry[];
}

/** A document whose outbox holds changes, with its kind: what a device sends when it connects, whether the app opens the document or not. */
export interface PendingDoc {
  docId: string;
  kind: DocKindName;
}

/**
 * Where the SDK keeps documents and their outboxes on the device so that edits survive a reload,
 * a crash or going offline: {@link MemoryDocStorage} (lost with the process), `FileDocStorage`
 * (Node, `@tandem/sdk/node`), {@link IndexedDbDocStorage} (browsers). Writes of the outbox must be
 * durable before they resolve; `saveDoc` may be called seldom (the outbox covers the gap).
 */
export interface DocStorage {
  /** False for storages that forget everything with the process (the SDK then skips saving documents). */
  readonly persistent: boolean;
  load(docId: string): Promise<StoredDoc | null>;
  saveDoc(docId: string, doc: Uint8Array, syncedHeads: string[]): Promise<void>;
  /** Adds a command to the outbox of `docId`, a document of `kind`; durable once it resolves. */
  addToOutbox(docId: string, entry: DocOutboxEntry, kind: DocKindName): Promise<void>;
  removeFromOutbox(docId: string, commandIds: string[]): Promise<void>;
  /** Every document whose outbox is not empty (an edit of an earlier session, or of a tab closed before it was sent). */
  pending(): Promise<PendingDoc[]>;
}

/** Keeps outboxes in memory only (the default): a reload loses unsent edits. */
export class MemoryDocStorage implements DocStorage {
  readonly persistent = false;
  private readonly docs = new Map<string, StoredDoc & { kind?: DocKindName }>();

  async load(docId: string): Promise<StoredDoc | null> {
    const d = this.docs.get(docId);
    return d ? { doc: d.doc, syncedHeads: [...d.syncedHeads], outbox: [...d.outbox] } : null;
  }
  async saveDoc(docId: string, doc: Uint8Array, syncedHeads: string[]): Promise<void> {
    this.docs.set(docId, { ...(this.docs.get(docId) ?? { outbox: [] }), doc, syncedHeads });
  }
  async addToOutbox(docId: string, entry: DocOutboxEntry, kind: DocKindName): Promise<void> {
    const d = this.docs.get(docId) ?? { doc: null, syncedHeads: [], outbox: [] };
    d.outbox.push(entry);
    d.kind = kind;
    this.docs.set(docId, d);
  }
  async removeFromOutbox(docId: string, commandIds: string[]): Promise<void> {
    const d = this.docs.get(docId);
    if (d) d.outbox = d.outbox.filter((e) => !commandIds.includes(e.commandId));
  }
  async pending(): Promise<PendingDoc[]> {
    return [...this.docs].filter(([, d]) => d.outbox.length > 0 && d.kind).map(([docId, d]) => ({ docId, kind: d.kind! }));
  }
}

const DB_VERSION = 1;

/** Keeps documents and outboxes in the browser's IndexedDB (database `name`), so they survive a reload. */
export class IndexedDbDocStorage implements DocStorage {
  readonly persistent = true;
  private db?: Promise<IDBDatabase>;

  constructor(private readonly name = 'tandem-docs') {}

  async load(docId: string): Promise<StoredDoc | null> {
    const db = await this.open();
    const tx = db.transaction(['docs', 'outbox'], 'readonly');
    const doc = await request<{ doc: Uint8Array; syncedHeads: string[] } | undefined>(tx.objectStore('docs').get(docId));
    const entries = await request<Array<DocOutboxEntry & { docId: string; at: number }>>(tx.objectStore('outbox').index('docId').getAll(docId));
    if (!doc && entries.length === 0) return null;
    return { doc: doc?.doc ?? null, syncedHeads: doc?.syncedHeads ?? [], outbox: entries.sort((a, b) => a.at - b.at).map(({ commandId, changes }) => ({ commandId, changes })) };
  }

  async saveDoc(docId: string, doc: Uint8Array, syncedHeads: string[]): Promise<void> {
    await this.write('docs', (s) => s.put({ doc, syncedHeads }, docId));
  }

  async addToOutbox(docId: string, entry: DocOutboxEntry, kind: DocKindName): Promise<void> {
    await this.write('outbox', (s) => s.put({ ...entry, docId, kind, at: Date.now() + performance.now() / 1e6 }));
  }

  async removeFromOutbox(_docId: string, commandIds: string[]): Promise<void> {
    await this.write('outbox', (s) => commandIds.forEach((id) => s.delete(id)));
  }

  async pending(): Promise<PendingDoc[]> {
    const db = await this.open();
    const index = db.transaction('outbox', 'readonly').objectStore('outbox').index('docId');
    // One record per document (the index's unique keys), not every change of every outbox.
    return new Promise((resolve, reject) => {
      const found: PendingDoc[] = [];
      const req = index.openCursor(null, 'nextunique');
      req.onsuccess = () => {
        const cursor = req.result;
        if (!cursor) return resolve(found);
        const { docId, kind } = cursor.value as { docId: string; kind?: DocKindName };
        if (kind) found.push({ docId, kind }); // entries written before kinds were kept wait until the app opens their document
        cursor.continue();
      };
      req.onerror = () => reject(req.error);
    });
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = globalThis.indexedDB.open(this.name, DB_VERSION);
      req.onupgradeneeded = () => {
        req.result.createObjectStore('docs');
        req.result.createObjectStore('outbox', { keyPath: 'commandId' }).createIndex('docId', 'docId');
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    return this.db;
  }

  private async write(store: 'docs' | 'outbox', fn: (s: IDBObjectStore) => void): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(store, 'readwrite', { durability: 'strict' });
    fn(tx.objectStore(store));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  }
}

function request<T>(req: IDBRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result as T);
    req.onerror = () => reject(req.error);
  });
}
