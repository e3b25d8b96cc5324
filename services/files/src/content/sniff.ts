/** Extensions read as Markdown or CSV when the content is text; any other text is `text/plain`. */
const TEXT_TYPES: Record<string, string> = { md: 'text/markdown', markdown: 'text/markdown', csv: 'text/csv' };

/**
 * The type of content that file-type does not recognise: text if the bytes are valid UTF-8 without
 * NULs or other binary control characters, otherwise `application/octet-stream`. HTML, SVG and
 * scripts are text here on purpose: they are served as `text/plain` attachments, never rendered.
 */
export function textTypeOf(head: Uint8Array, name: string, truncated: boolean): string {
  // A read cut in the middle of a multi-byte character is not invalid UTF-8: drop up to 3 bytes.
  let end = head.length;
  if (truncated) {
    let back = 0;
    while (back < 3 && end - back - 1 >= 0 && (head[end - back - 1] & 0xc0) === 0x80) back++;
    if (end - back - 1 >= 0 && head[end - back - 1] >= 0xc0) end = end - back - 1;
  }
  const bytes = head.subarray(0, end);
  if (bytes.length === 0) return 'application/octet-stream';
  for (const b of bytes) {
    if (b === 0 || (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b)) return 'application/octet-stream';
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return 'application/octet-stream';
  }
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase() ?? '';
  return TEXT_TYPES[ext] ?? 'text/plain';
}

/** True when `type` matches an allow-list entry (`image/png` or `image/*`). */
export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const [major] = type.split('/');
  return allowed.some((a) => a === type || (a.endsWith('/*') && a.slice(0, -2) === major));
}
