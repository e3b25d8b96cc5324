import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

type Op<T> = { op: 'put'; key: string; doc: T } | { op: 'del'; key: string };

const replacer = (_: string, value: unknown) =>
  value && typeof value === 'object' && (value as { type?: string }).type === 'Buffer' && Array.isArray((value as { data?: unknown }).data)
    ? { $b64: Buffer.from((value as { data: number[] }).data).toString('base64') }
    : value;
const reviver = (_: string, value: unknown) =>
  value && typeof value === 'object' && typeof (value as { $b64?: unknown }).$b64 === 'string' ? Buffer.from((value as { $b64: string }).$b64, 'base64') : value;

/**
 * The embedded on-disk equivalent of a MongoDB collection with one unique key: every write is appended
 * to a log file before it returns (so it survives a crash of the process), and the log is rewritten
 * compactly when it is opened. Buffers round-trip. Queries are in-memory filters.
 */
export class FileCollection<T> {
  private readonly docs = new Map<string, T>();
  private readonly file: string;

  constructor(
    directory: string,
    name: string,
    private readonly keyOf: (doc: T) => string,
  ) {
    mkdirSync(directory, { recursive: true });
    this.file = join(directory, `${name}.jsonl`);
    this.load();
  }

  get(key: string): T | undefined {
    return this.docs.get(key);
  }

  find(predicate: (doc: T) => boolean): T[] {
    return [...this.docs.values()].filter(predicate);
  }

  /** Inserts unless a document with the same key exists; returns false for a duplicate (like E11000). */
  insert(doc: T): boolean {
    const key = this.keyOf(doc);
    if (this.docs.has(key)) return false;
    this.write({ op: 'put', key, doc });
    return true;
  }

  /** Inserts or replaces the document with the same key. */
  put(doc: T): void {
    this.write({ op: 'put', key: this.keyOf(doc), doc });
  }

  delete(key: string): void {
    if (this.docs.has(key)) this.write({ op: 'del', key });
  }

  private write(op: Op<T>): void {
    appendFileSync(this.file, JSON.stringify(op, replacer) + '\n');
    this.apply(op);
  }

  private apply(op: Op<T>): void {
    if (op.op === 'put') this.docs.set(op.key, op.doc);
    else this.docs.delete(op.key);
  }

  private load(): void {
    if (!existsSync(this.file)) return;
    const content = readFileSync(this.file, 'utf8');
    // Only complete lines were acknowledged; a torn last line from a crash is dropped.
    const complete = content.slice(0, content.lastIndexOf('\n') + 1);
    for (const line of complete.split('\n')) if (line) this.apply(JSON.parse(line, reviver) as Op<T>);
    const compacted = [...this.docs].map(([key, doc]) => JSON.stringify({ op: 'put', key, doc }, replacer) + '\n').join('');
    writeFileSync(`${this.file}.tmp`, compacted);
    renameSync(`${this.file}.tmp`, this.file);
  }
}
