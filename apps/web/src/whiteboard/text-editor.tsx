import type { Shape } from '@tandem/documents';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { boundsOf } from './geometry';

/**
 * In-place editing of a text shape or sticky note: a textarea laid over the item inside the SVG
 * (so it scales with the board). Every input is one minimal text edit of the shape, so two people
 * typing into the same note merge; text another person types meanwhile appears without moving the
 * caret. Escape, Ctrl/⌘+Enter or leaving the field ends editing. A text shape grows to fit.
 */
export function TextEditor(props: { item: Shape; currentText: () => string; unit: number; onText: (text: string) => void; onGrow: (height: number) => void; onDone: () => void }) {
  const { item, unit, onText, onGrow, onDone } = props;
  const ref = useRef<HTMLTextAreaElement>(null);
  const b = boundsOf(item);
  const sticky = item.type === 'sticky';
  useLayoutEffect(() => {
    // At once, so typing that follows the click lands here (the board keeps mousedown from moving focus).
    const el = ref.current;
    if (!el) return;
    el.focus({ preventScroll: true });
    el.setSelectionRange(el.value.length, el.value.length);
  }, [item.id]);
  useEffect(() => {
    // The document as it is now, not as rendered: this effect can run after more typing here.
    const text = props.currentText();
    const el = ref.current;
    if (!el || el.value === text) return;
    // Someone else typed: keep this person's caret where it was, relative to the end if it was there.
    const atEnd = el.selectionStart === el.value.length;
    const [start, end] = [el.selectionStart, el.selectionEnd];
    el.value = text;
    if (atEnd) el.setSelectionRange(el.value.length, el.value.length);
    else el.setSelectionRange(Math.min(start, el.value.length), Math.min(end, el.value.length));
  }, [item.text]);
  const grow = () => {
    const el = ref.current;
    if (!el || sticky) return;
    const needed = el.scrollHeight * unit;
    if (needed > b.height + 1) onGrow(Math.ceil(needed));
  };
  return (
    <foreignObject x={b.x} y={sticky ? b.y + 6 : b.y} width={b.width} height={sticky ? Math.max(0, b.height - 6) : b.height} class="wb-editor-host">
      <textarea
        ref={ref}
        class={`wb-editor ${sticky ? 'wb-note-text' : 'wb-text'}`}
        style={sticky ? undefined : { color: item.style.color }}
        aria-label={sticky ? 'Sticky note text' : 'Text'}
        defaultValue={item.text}
        rows={1}
        placeholder={sticky ? 'Write a note…' : 'Type something…'}
        onInput={(e) => {
          onText((e.currentTarget as HTMLTextAreaElement).value);
          grow();
        }}
        onKeyDown={(e) => {
          e.stopPropagation(); // the board's shortcuts (Delete, arrows, letters) are not for the text
          if (e.key === 'Escape' || (e.key === 'Enter' && (e.ctrlKey || e.metaKey))) {
            e.preventDefault();
            onDone();
          }
        }}
        onBlur={onDone}
      />
    </foreignObject>
  );
}
