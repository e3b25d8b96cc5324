/**
 * @tandem/documents — the pure document layer shared by the SDK and the docs service: document
 * kinds and schemas, deterministic initial changes, typed operations per kind, and history
 * (versions, views, diffs, restore). No I/O.
 *
 * Style: operations are MUTATORS on the draft inside `A.change`:
 *   doc = A.change(doc, changeOptions(userId), (d) => richtext.insertText(d, 0, 'Hi'));
 * Several operations in one change make one atomic edit. Reads (views, cursors) take a document.
 */
export * from './errors';
export * from './changes';
export * from './kinds';
export * from './ids';
export * from './initial';
export * from './ordering';
export * from './schema/migrate';
export * from './history/author';
export * from './history/versions';
export * from './history/diff';
export * from './history/restore';
export * from './history/history-lookup';
export * from './render';
export * as richtext from './richtext';
export * as whiteboard from './whiteboard';
export * as kanban from './kanban';
export * as counter from './counter';
