import * as A from '@automerge/automerge';
import { MappedSchemaSpec, SchemaAdapter } from '@automerge/prosemirror';
import { richtext } from '@tandem/documents';
import type { DOMOutputSpec, Mark, Node } from 'prosemirror-model';

/**
 * The ProseMirror schema of Tandem's rich text, mapped onto the Automerge blocks and marks that
 * `@tandem/documents` writes (see `richtext.ops.ts`): ProseMirror node and mark names are the
 * binding's, Automerge names are ours. Paragraphs, headings (`attrs.level`), bullet and numbered
 * lists (`unordered-list-item` / `ordered-list-item`, nesting in `parents`), block quotes and code
 * blocks; marks `bold`, `italic`, `code` and `link` (its value is the URL, a plain string).
 */
const spec: MappedSchemaSpec = {
  nodes: {
    doc: { content: 'block+' },
    paragraph: { automerge: { block: 'paragraph' }, content: 'inline*', group: 'block', parseDOM: [{ tag: 'p' }], toDOM: () => ['p', 0] },
    // Blocks of a type this schema does not know (from a newer client) are kept and shown as they are.
    unknownBlock: {
      automerge: { unknownBlock: true },
      group: 'block',
      content: 'block+',
      parseDOM: [{ tag: 'div', attrs: { 'data-unknown-block': 'true' } }],
      toDOM: () => ['div', { 'data-unknown-block': 'true' }, 0],
    },
    heading: {
      automerge: {
        block: 'heading',
        attrParsers: {
          fromAutomerge: (block) => ({ level: typeof block.attrs.level === 'number' ? block.attrs.level : 1 }),
          fromProsemirror: (node: Node) => ({ level: node.attrs.level as number }),
        },
      },
      attrs: { level: { default: 1 } },
      content: 'inline*',
      group: 'block',
      defining: true,
      parseDOM: [1, 2, 3, 4, 5, 6].map((level) => ({ tag: `h${level}`, attrs: { level } })),
      toDOM: (node: Node): DOMOutputSpec => [`h${node.attrs.level}`, 0],
    },
    blockquote: { automerge: { block: 'blockquote' }, content: 'block+', group: 'block', defining: true, parseDOM: [{ tag: 'blockquote' }], toDOM: () => ['blockquote', 0] },
    code_block: {
      automerge: { block: 'code-block' },
      content: 'text*',
      marks: '',
      group: 'block',
      code: true,
      defining: true,
      parseDOM: [{ tag: 'pre', preserveWhitespace: 'full' }],
      toDOM: () => ['pre', ['code', 0]],
    },
    text: { group: 'inline' },
    ordered_list: { group: 'block', content: 'list_item+', attrs: { order: { default: 1 } }, parseDOM: [{ tag: 'ol' }], toDOM: () => ['ol', 0] },
    bullet_list: { group: 'block', content: 'list_item+', parseDOM: [{ tag: 'ul' }], toDOM: () => ['ul', 0] },
    list_item: {
      automerge: { block: { within: { ordered_list: 'ordered-list-item', bullet_list: 'unordered-list-item' } } },
      content: 'paragraph block*',
      defining: true,
      parseDOM: [{ tag: 'li' }],
      toDOM: () => ['li', 0],
    },
  },
  marks: {
    // Names as in Automerge: the binding writes added and removed marks under the ProseMirror name.
    bold: {
      automerge: { markName: 'bold' },
      parseDOM: [{ tag: 'strong' }, { tag: 'b', getAttrs: (n: HTMLElement) => n.style.fontWeight !== 'normal' && null }, { style: 'font-weight', getAttrs: (v: string) => /^(bold(er)?|[5-9]\d{2,})$/.test(v) && null }],
      toDOM: () => ['strong', 0],
    },
    italic: { automerge: { markName: 'italic' }, parseDOM: [{ tag: 'i' }, { tag: 'em' }, { style: 'font-style=italic' }], toDOM: () => ['em', 0] },
    code: { automerge: { markName: 'code' }, inclusive: false, parseDOM: [{ tag: 'code' }], toDOM: () => ['code', 0] },
    link: {
      attrs: { href: {} },
      inclusive: false,
      parseDOM: [{ tag: 'a[href]', getAttrs: (dom: HTMLElement) => ({ href: dom.getAttribute('href') }) }],
      toDOM: (mark: Mark): DOMOutputSpec => ['a', { href: mark.attrs.href, rel: 'noopener noreferrer nofollow', target: '_blank' }, 0],
      automerge: {
        markName: 'link',
        parsers: { fromAutomerge: (value) => ({ href: linkHref(value) }), fromProsemirror: (mark: Mark) => mark.attrs.href as string },
      },
    },
  },
};

/** A link mark's URL. Ours is the URL itself; the binding's own default schema stores `{"href": …}` as JSON. */
export function linkHref(value: A.MarkValue): string {
  if (typeof value !== 'string') return '';
  if (value.startsWith('{')) {
    try {
      const parsed = JSON.parse(value) as { href?: unknown };
      if (typeof parsed.href === 'string') return parsed.href;
    } catch {
      // Not JSON: a URL that starts with "{".
    }
  }
  return value;
}

/** The binding's adapter, with Tandem's expand rules (bold/italic grow after, code and links never) for whole-text rewrites. */
class TandemSchemaAdapter extends SchemaAdapter {
  override updateSpansConfig(): A.UpdateSpansConfig {
    return { defaultExpand: 'after', perMarkExpand: { ...richtext.MARK_EXPAND } as Record<string, 'before' | 'after' | 'both' | 'none'> };
  }
}

export const adapter: SchemaAdapter = new TandemSchemaAdapter(spec);
export const schema = adapter.schema;
