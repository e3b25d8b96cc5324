/**
 * A file name safe to store and show: the last path segment only (no `../`, no directories from
 * either `/` or `\`), no control or bidirectional-override characters, trimmed, no leading dots,
 * at most 255 UTF-8 bytes (keeping the extension). Never empty.
 */
export function sanitizeName(raw: string): string {
  const base = raw.split(/[/\\]/).pop() ?? '';
  // eslint-disable-next-line no-control-regex
  let name = base.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '').replace(/\s+/g, ' ').trim();
  name = name.replace(/^\.+/, '').trim();
  if (!name || name === '.' || name === '..') name = 'file';
  while (Buffer.byteLength(name) > 255) {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    const stem = [...name.slice(0, name.length - ext.length)];
    stem.pop();
    name = stem.join('') + ext;
  }
  return name;
}

/** `Content-Disposition` for downloading `name` (ASCII fallback plus RFC 5987 UTF-8). */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
