import { attachmentDisposition, sanitizeName } from './names';

describe(sanitizeName.name, () => {
  it('keeps ordinary names', () => {
    expect(sanitizeName('Quarterly report (final).pdf')).toBe('Quarterly report (final).pdf');
    expect(sanitizeName('Überblick – 日本.md')).toBe('Überblick – 日本.md');
  });

  it('drops directories, traversal and leading dots', () => {
    expect(sanitizeName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeName('C:\\Users\\ann\\..\\evil.exe')).toBe('evil.exe');
    expect(sanitizeName('..')).toBe('file');
    expect(sanitizeName('.htaccess')).toBe('htaccess');
    expect(sanitizeName('dir/')).toBe('file');
  });

  it('removes control and bidi-override characters', () => {
    expect(sanitizeName('a\u0000b\nc\td.txt')).toBe('abcd.txt');
    expect(sanitizeName('invoice\u202egnp.exe')).toBe('invoicegnp.exe');
  });

  it('shortens long names to 255 bytes and keeps the extension', () => {
    const name = sanitizeName(`${'é'.repeat(300)}.pdf`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(255);
    expect(name.endsWith('.pdf')).toBe(true);
  });
});

describe(attachmentDisposition.name, () => {
  it('quotes safely and carries the UTF-8 name', () => {
    expect(attachmentDisposition('a "b".pdf')).toBe(`attachment; filename="a _b_.pdf"; filename*=UTF-8''a%20%22b%22.pdf`);
    expect(attachmentDisposition('日本.txt')).toContain("filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt");
  });
});
