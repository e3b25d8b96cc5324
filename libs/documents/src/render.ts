import type * as A from '@automerge/automerge';
import { kindOf } from './initial';
import type { BoardItem, CounterDoc, DocKind, KanbanDoc, RichTextDoc, WhiteboardDoc } from './kinds';
import { ColumnView, boardView } from './kanban/kanban.view';
import { RenderedBlock, blocks, plainText } from './richtext/richtext.view';
import { itemsInOrder } from './whiteboard/whiteboard.ops';

/** A document (or a version of one, from `viewAt`) as plain JSON, ready to send over HTTP or render. */
export type Rendered =
  | { kind: 'richtext'; schema: number; text: string; blocks: RenderedBlock[] }
  | { kind: 'whiteboard'; schema: number; items: BoardItem[] }
  | { kind: 'kanban'; schema: number; columns: ColumnView[] }
  | { kind: 'counter'; schema: number; value: number };

export function render(doc: A.Doc<unknown>): Rendered {
  const kind: DocKind = kindOf(doc);
  const schema = (doc as { schema: number }).schema;
  switch (kind) {
    case 'richtext':
      return { kind, schema, text: plainText(doc as RichTextDoc), blocks: blocks(doc as RichTextDoc) };
    case 'whiteboard':
      return { kind, schema, items: JSON.parse(JSON.stringify(itemsInOrder(doc as WhiteboardDoc))) };
    case 'kanban':
      return { kind, schema, columns: boardView(doc as KanbanDoc) };
    case 'counter':
      return { kind, schema, value: (doc as CounterDoc).count?.value ?? 0 };
  }
}
