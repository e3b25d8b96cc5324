import { textTypeOf, typeAllowed } from './sniff';

describe('textTypeOf', () => {
  it('reads UTF-8 text as text, Markdown by its extension', () => {
    expect(textTypeOf(Buffer.from('hello\nwörld'), 'notes.txt', false)).toBe('text/plain');
    expect(textTypeOf(Buffer.from('# Title'), 'README.md', false)).toBe('text/markdown');
    expect(textTypeOf(Buffer.from('<html></html>'), 'page.html', false)).toBe('text/plain');
  });

  it('does not mistake a read cut inside a multi-byte character for binary', () => {
    const bytes = Buffer.from('aaaé');
    expect(textTypeOf(bytes.subarray(0, bytes.length - 1), 'a.txt', true)).toBe('text/plain');
  });

  it('calls bytes with NULs or invalid UTF-8 binary', () => {
    expect(textTypeOf(Buffer.from([0x41, 0x00, 0x42]), 'a.txt', false)).toBe('application/octet-stream');
    expect(textTypeOf(Buffer.from([0x41, 0xff, 0x42]), 'a.txt', false)).toBe('application/octet-stream');
    expect(textTypeOf(Buffer.alloc(0), 'a.txt', false)).toBe('application/octet-stream');
  });
});

describe('typeAllowed', () => {
  it('matches exact types and wildcards', () => {
    expect(typeAllowed('image/png', ['image/*'])).toBe(true);
    expect(typeAllowed('application/pdf', ['image/*', 'application/pdf'])).toBe(true);
    expect(typeAllowed('application/x-elf', ['image/*', 'application/pdf'])).toBe(false);
  });
});
