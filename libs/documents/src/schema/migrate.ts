import * as A from '@automerge/automerge';
import { DocumentError } from '../errors';
import { kindOf } from '../initial';
import { CURRENT_SCHEMA, DocKind, DocOfKind } from '../kinds';

/**
 * One schema step for one kind, `from` -> `from + 1`.
 *
 * Rules for writing one (several peers may run the same step concurrently, offline clients keep
 * editing the old structure):
 * - only ADD: new keys with scalar defaults, or values computed from the existing content; never
 *   delete or retype something an old client still writes;
 * - never create a container (map/list/text) that users then fill, unless only one writer (the docs
 *   service, which owns each document's stored state) runs migrations; two peers creating the same
 *   key concurrently make two objects and one of them loses its content;
 * - set nothing else outside the step; `migrate` raises `schema` after it.
 */
export interface Migration<K extends DocKind = DocKind> {
  kind: K;
  from: number;
  describe: string;
  apply(d: DocOfKind[K]): void;
}

/** Every schema step ever shipped. Empty: every kind is at version 1. */
export const MIGRATIONS: readonly Migration[] = [];

export interface SchemaStatus {
  kind: DocKind;
  schema: number;
  current: number;
  /** `ok`: this code reads and writes it; `outdated`: run `migrate`; `too-new`: read-only, update the client. */
  state: 'ok' | 'outdated' | 'too-new';
}

/** What schema a document is at, relative to this code. Never throws for a too-new schema (see {@link assertWritable}). */
export function schemaStatus(doc: unknown, current: Readonly<Record<DocKind, number>> = CURRENT_SCHEMA): SchemaStatus {
  const kind = kindOf(doc);
  const schema = (doc as { schema?: unknown }).schema;
  if (typeof schema !== 'number' || !Number.isInteger(schema) || schema < 1) {
    throw new DocumentError('schema-invalid', `${kind} document has schema ${JSON.stringify(schema)}, not a version number; it was not created by createDoc()`);
  }
  const cur = current[kind];
  return { kind, schema, current: cur, state: schema === cur ? 'ok' : schema < cur ? 'outdated' : 'too-new' };
}

/** Throws `schema-too-new` when this code must not edit the document (it would write an old structure into a newer one). */
export function assertWritable(doc: unknown, current: Readonly<Record<DocKind, number>> = CURRENT_SCHEMA): void {
  const s = schemaStatus(doc, current);
  if (s.state === 'too-new') {
    throw new DocumentError('schema-too-new', `this ${s.kind} document uses schema version ${s.schema}, newer than this client understands (${s.current}); update Tandem to edit it (it can still be shown read-only)`);
  }
}

/**
 * Brings a document to the current schema: one change per step (message `{"migrate":{kind,from,to}}`).
 * Returns the same document when nothing is to do. Throws `schema-too-new` for documents from a
 * newer Tandem, and `schema-invalid` when a step is missing.
 */
export function migrate<T extends object>(doc: A.Doc<T>, options: { migrations?: readonly Migration[]; current?: Readonly<Record<DocKind, number>> } = {}): A.Doc<T> {
  const migrations = options.migrations ?? MIGRATIONS;
  const current = options.current ?? CURRENT_SCHEMA;
  assertWritable(doc, current);
  let status = schemaStatus(doc, current);
  let out = doc;
  while (status.state === 'outdated') {
    const step = migrations.find((m) => m.kind === status.kind && m.from === status.schema);
    if (!step) throw new DocumentError('schema-invalid', `no migration for ${status.kind} schema ${status.schema} -> ${status.schema + 1}; this build is incomplete`);
    const to = status.schema + 1;
    out = A.change(out, { message: JSON.stringify({ migrate: { kind: status.kind, from: status.schema, to } }) }, (d) => {
      step.apply(d as never);
      (d as unknown as { schema: number }).schema = to;
    });
    status = schemaStatus(out, current);
  }
  return out;
}
