import type { BoardItem } from '@tandem/documents';
import { Icon } from '../components/icons';
import { hasText } from './geometry';

export type Tool = 'select' | 'pen' | 'rectangle' | 'ellipse' | 'line' | 'arrow' | 'text' | 'sticky';

/** The tools with their labels, icons and single-key shortcuts. */
export const TOOLS: ReadonlyArray<{ tool: Tool; label: string; icon: string; key: string }> = [
  { tool: 'select', label: 'Select', icon: 'pointer', key: 'V' },
  { tool: 'pen', label: 'Pen', icon: 'pen', key: 'P' },
  { tool: 'rectangle', label: 'Rectangle', icon: 'square', key: 'R' },
  { tool: 'ellipse', label: 'Ellipse', icon: 'circle', key: 'O' },
  { tool: 'line', label: 'Line', icon: 'line', key: 'L' },
  { tool: 'arrow', label: 'Arrow', icon: 'arrow', key: 'A' },
  { tool: 'text', label: 'Text', icon: 'text', key: 'T' },
  { tool: 'sticky', label: 'Sticky note', icon: 'sticky', key: 'S' },
];
export const COLOURS: ReadonlyArray<[string, string]> = [
  ['#1e1e1e', 'Black'],
  ['#e5484d', 'Red'],
  ['#5b5bd6', 'Indigo'],
  ['#12a594', 'Teal'],
  ['#f76b15', 'Orange'],
];
export const WIDTHS: ReadonlyArray<[number, string]> = [
  [2, 'Thin'],
  [4, 'Medium'],
  [8, 'Thick'],
];

export interface ToolbarProps {
  tool: Tool;
  onTool: (t: Tool) => void;
  colour: string;
  onColour: (c: string) => void;
  width: number;
  onWidth: (w: number) => void;
  selected: BoardItem | null;
  editable: boolean;
  count: number;
  onEditText: () => void;
  onFront: () => void;
  onBack: () => void;
  onDelete: () => void;
  zoom: number;
  onZoom: (step: number) => void;
}

/** The whiteboard's toolbar: tools, ink colour and line width (they restyle the selected item too), and what can be done to the selection. */
export function BoardToolbar(p: ToolbarProps) {
  const sel = p.selected;
  return (
    <div class="wb-toolbar" role="toolbar" aria-label="Drawing tools">
      {p.editable ? (
        <>
          <div class="wb-group" role="group" aria-label="Tools">
            {TOOLS.map(({ tool, label, icon, key }) => (
              <button key={tool} class="wb-tool" aria-label={label} title={`${label} (${key})`} aria-keyshortcuts={key} aria-pressed={p.tool === tool} onClick={() => p.onTool(tool)}>
                <Icon name={icon} />
                <kbd aria-hidden="true">{key}</kbd>
              </button>
            ))}
          </div>
          <div class="wb-group" role="group" aria-label={sel ? 'Colour of the selection' : 'Colour'}>
            {COLOURS.map(([c, name]) => (
              <button key={c} class="swatch" aria-label={`Colour ${name}`} title={name} aria-pressed={(sel ? sel.style.color : p.colour) === c} style={{ background: c }} onClick={() => p.onColour(c)} />
            ))}
          </div>
          <div class="wb-group" role="group" aria-label="Line width">
            {WIDTHS.map(([w, name]) => (
              <button key={w} class="wb-width" aria-label={`${name} line`} title={`${name} line`} aria-pressed={(sel && !hasText(sel) ? sel.style.width : p.width) === w} onClick={() => p.onWidth(w)}>
                <span style={{ height: `${Math.max(2, w / 1.5)}px` }} />
              </button>
            ))}
          </div>
          <div class="wb-group" role="group" aria-label="Selection">
            {/* Always there, so selecting never re-flows the toolbar (and moves the board under the pointer). */}
            <button class="wb-tool" aria-label="Edit text" title="Edit text (Enter)" aria-keyshortcuts="Enter" disabled={!sel || !hasText(sel)} onClick={p.onEditText}>
              <Icon name="edit" />
            </button>
            <button class="wb-tool" aria-label="Bring to front" title="Bring to front (])" aria-keyshortcuts="]" disabled={!sel} onClick={p.onFront}>
              <Icon name="front" />
            </button>
            <button class="wb-tool" aria-label="Send to back" title="Send to back ([)" aria-keyshortcuts="[" disabled={!sel} onClick={p.onBack}>
              <Icon name="back" />
            </button>
            <button class="wb-tool danger" aria-label="Delete" title="Delete (Delete)" aria-keyshortcuts="Delete" disabled={!sel} onClick={p.onDelete}>
              <Icon name="trash" />
            </button>
          </div>
        </>
      ) : (
        <span class="muted small">You can view this board</span>
      )}
      <div class="wb-group wb-zoom" role="group" aria-label="Zoom">
        <button class="wb-tool" aria-label="Zoom out" title="Zoom out (−)" aria-keyshortcuts="-" disabled={p.zoom <= 1} onClick={() => p.onZoom(-1)}>
          <Icon name="minus" />
        </button>
        <output class="small" aria-label="Zoom level">{Math.round(p.zoom * 100)}%</output>
        <button class="wb-tool" aria-label="Zoom in" title="Zoom in (+)" aria-keyshortcuts="+" disabled={p.zoom >= 3} onClick={() => p.onZoom(1)}>
          <Icon name="plus" />
        </button>
      </div>
      <span class="muted small wb-count" aria-live="polite">
        {p.count} item{p.count === 1 ? '' : 's'}
      </span>
    </div>
  );
}
