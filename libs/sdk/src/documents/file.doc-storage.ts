import type { DocKindName } from '@tandem/contracts';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DocOutboxEntry, DocStorage, PendingDoc, StoredDoc } from './doc-storage';

type OutboxLine = { add: { commandId: string; changes: string[]; kind?: DocKindName } } | { remove: string[] };

/**
 * Keeps documents and outboxes in files under `directory` (Node): `<doc>.automerge` is the saved
 * document (replaced atomically), `<doc>.outbox` an append-only log of outbox additions and
 * removals, written synchronously so an edit survives the process being killed right after.
 */
export class FileDocStorage implements DocStorage {
  readonly persistent = true;

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
  }

  async load(docId: string): Promise<StoredDoc | null> {
    const docFile = this.file(docId, 'automerge');
    const metaFile = this.file(docId, 'heads.json');
    if (!existsSync(docFile) && !existsSync(this.file(docId, 'outbox'))) return null;
    return {
      doc: existsSync(docFile) ? new Uint8Array(readFileSync(docFile)) : null,
      syncedHeads: existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as string[]) : [],
      outbox: [...this.readOutbox(docId).entries.values()],
    };
  }

  async saveDoc(docId: string, doc: Uint8Array, syncedHeads: string[]): Promise<void> {
    this.replace(this.file(docId, 'automerge'), doc);
    this.replace(this.file(docId, 'heads.json'), JSON.stringify(syncedHeads));
  }

  async addToOutbox(docId: string, entry: DocOutboxEntry, kind: DocKindName): Promise<void> {
    appendFileSync(this.file(docId, 'outbox'), lineOf({ add: { commandId: entry.commandId, changes: entry.changes.map((c) => Buffer.from(c).toString('base64')), kind } }));
  }

  async removeFromOutbox(docId: string, commandIds: string[]): Promise<void> {
    appendFileSync(this.file(docId, 'outbox'), lineOf({ remove: commandIds }));
  }

  async pending(): Promise<PendingDoc[]> {
    const found: PendingDoc[] = [];
    for (const name of readdirSync(this.directory)) {
      if (!name.endsWith('.outbox')) continue;
      const docId = decodeURIComponent(name.slice(0, -'.outbox'.length));
      const { entries, kind } = this.readOutbox(docId);
      if (entries.size > 0 && kind) found.push({ docId, kind });
    }
    return found;
  }

  /** The outbox log replayed (additions less removals), rewritten compactly. */
  private readOutbox(docId: string): { entries: Map<string, DocOutboxEntry>; kind?: DocKindName } {
    const outboxFile = this.file(docId, 'outbox');
    const outbox = new Map<string, DocOutboxEntry>();
    const kinds = new Map<string, DocKindName>();
    if (existsSync(outboxFile)) {
      for (const line of readFileSync(outboxFile, 'utf8').split('\n')) {
        if (!line) continue;
        let parsed: OutboxLine;
        try {
          parsed = JSON.parse(line) as OutboxLine;
        } catch {
          continue; // a line torn by a crash mid-write: everything before it is intact
        }
        if ('add' in parsed) {
          outbox.set(parsed.add.commandId, { commandId: parsed.add.commandId, changes: parsed.add.changes.map((c) => new Uint8Array(Buffer.from(c, 'base64'))) });
          if (parsed.add.kind) kinds.set(parsed.add.commandId, parsed.add.kind);
        } else for (const id of parsed.remove) outbox.delete(id);
      }
      // Rewrite compactly: only what is still pending.
      this.replace(outboxFile, [...outbox.values()].map((e) => lineOf({ add: { commandId: e.commandId, changes: e.changes.map((c) => Buffer.from(c).toString('base64')), kind: kinds.get(e.commandId) } })).join(''));
    }
    const kind = [...outbox.keys()].map((id) => kinds.get(id)).find(Boolean);
    return { entries: outbox, kind };
  }

  private file(docId: string, ext: string): string {
    return join(this.directory, `${encodeURIComponent(docId)}.${ext}`);
  }

  private replace(file: string, data: string | Uint8Array): void {
    writeFileSync(`${file}.tmp`, data);
    renameSync(`${file}.tmp`, file);
  }
}

function lineOf(line: OutboxLine): string {
  return `${JSON.stringify(line)}\n`;
}
