import { baseKeymap, chainCommands, exitCode, toggleMark } from 'prosemirror-commands';
import { redo, undo } from 'prosemirror-history';
import type { MarkType, Node, NodeType } from 'prosemirror-model';
import { liftListItem, sinkListItem, splitListItem } from 'prosemirror-schema-list';
import { Command, EditorState } from 'prosemirror-state';
import { findWrapping } from 'prosemirror-transform';
import { schema } from './schema';

const { nodes, marks } = schema;

/** The list around the selection, if any. */
function enclosingList(state: EditorState): { node: Node; pos: number } | null {
  const { $from } = state.selection;
  for (let d = $from.depth; d > 0; d--) {
    const node = $from.node(d);
    if (node.type === nodes.bullet_list || node.type === nodes.ordered_list) return { node, pos: $from.before(d) };
  }
  return null;
}

/** Whether the selection is inside a list of this type. */
export function inList(state: EditorState, type: NodeType): boolean {
  return enclosingList(state)?.node.type === type;
}

/** The list button: wraps the blocks in a list, lifts them out if already in one, or switches the list's kind. */
export function toggleList(type: NodeType): Command {
  return (state, dispatch) => {
    const list = enclosingList(state);
    if (list) {
      if (list.node.type === type) return liftListItem(nodes.list_item)(state, dispatch);
      if (dispatch) dispatch(state.tr.setNodeMarkup(list.pos, type).scrollIntoView());
      return true;
    }
    // List items hold paragraphs: a heading becomes one first.
    const { from, to } = state.selection;
    const tr = state.tr;
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (node.isTextblock && node.type !== nodes.paragraph) tr.setNodeMarkup(pos, nodes.paragraph, { isAmgBlock: node.attrs.isAmgBlock });
    });
    const range = tr.doc.resolve(tr.mapping.map(from)).blockRange(tr.doc.resolve(tr.mapping.map(to)));
    const wrapping = range && findWrapping(range, type);
    if (!range || !wrapping) return false;
    if (dispatch) dispatch(tr.wrap(range, wrapping).scrollIntoView());
    return true;
  };
}

/**
 * Makes the textblocks of the selection `type` (a paragraph or a heading). Unlike ProseMirror's
 * `setBlockType` it keeps the binding's `isAmgBlock` attribute, which says whether a block has its
 * own Automerge marker (resetting it would make the binding guess).
 */
export function setBlock(type: NodeType, attrs: Record<string, unknown> = {}): Command {
  return (state, dispatch) => {
    const { from, to } = state.selection;
    const tr = state.tr;
    state.doc.nodesBetween(from, to, (node, pos) => {
      if (!node.isTextblock) return true;
      if (node.type.spec.code || node.hasMarkup(type, { ...node.attrs, ...attrs })) return false;
      const $pos = state.doc.resolve(pos);
      if (!$pos.parent.canReplaceWith($pos.index(), $pos.index() + 1, type)) return false;
      tr.setNodeMarkup(pos, type, { ...attrs, isAmgBlock: node.attrs.isAmgBlock, unknownAttrs: node.attrs.unknownAttrs });
      return false;
    });
    if (!tr.docChanged) return false;
    if (dispatch) dispatch(tr.scrollIntoView());
    return true;
  };
}

/** Heading `level` on the current block, or back to a paragraph if it already is one. */
export function toggleHeading(level: number): Command {
  return (state, dispatch) => (isBlock(state, nodes.heading, { level }) ? setBlock(nodes.paragraph)(state, dispatch) : setBlock(nodes.heading, { level })(state, dispatch));
}

export function isBlock(state: EditorState, type: NodeType, attrs?: Record<string, unknown>): boolean {
  const parent = state.selection.$from.parent;
  return parent.type === type && (!attrs || Object.entries(attrs).every(([k, v]) => parent.attrs[k] === v));
}

/** Whether a mark is on the whole selection (or the caret would type with it). */
export function markActive(state: EditorState, type: MarkType): boolean {
  const { from, $from, to, empty } = state.selection;
  if (empty) return !!type.isInSet(state.storedMarks ?? $from.marks());
  return state.doc.rangeHasMark(from, to, type);
}

export const toggleBold = toggleMark(marks.bold);
export const toggleItalic = toggleMark(marks.italic);
export const toggleCode = toggleMark(marks.code);

/**
 * The editor's keys. `openLink` is the link dialog of the screen (links are written through the
 * document operations, see `text-screen.tsx`).
 */
export function editorKeymap(openLink: () => void): Record<string, Command> {
  return {
    'Mod-b': toggleBold,
    'Mod-i': toggleItalic,
    'Mod-e': toggleCode,
    'Mod-k': () => {
      openLink();
      return true;
    },
    'Mod-Alt-0': setBlock(nodes.paragraph),
    'Mod-Alt-1': toggleHeading(1),
    'Mod-Alt-2': toggleHeading(2),
    'Mod-Alt-3': toggleHeading(3),
    'Mod-Shift-8': toggleList(nodes.bullet_list),
    'Mod-Shift-7': toggleList(nodes.ordered_list),
    Enter: splitListItem(nodes.list_item),
    Tab: sinkListItem(nodes.list_item),
    'Shift-Tab': liftListItem(nodes.list_item),
    'Mod-z': undo,
    'Shift-Mod-z': redo,
    'Mod-y': redo,
    // In a code block, Mod-Enter leaves it.
    'Mod-Enter': chainCommands(exitCode),
  };
}

export { baseKeymap };
