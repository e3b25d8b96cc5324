import sharp from 'sharp';
import { elfExecutable, hugePng, onePagePdf } from '../testing/fixtures';
import { ContentWorkers } from './content-workers';

const limits = { maxPixels: 50_000_000, smallSide: 256, largeSide: 1024, snippetChars: 500 };

describe(ContentWorkers.name, () => {
  let sut: ContentWorkers;
  beforeAll(() => {
    sut = new ContentWorkers({ size: 1, timeoutMs: 20_000 });
  });
  afterAll(async () => sut.close());

  it('tells the real type by content, whatever the name says', async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#0f0' } }).png().toBuffer();
    expect(await sut.sniff(png, 'report.pdf')).toEqual({ type: 'image/png' });
    expect(await sut.sniff(elfExecutable(), 'cat.png')).toEqual({ type: 'application/x-elf' });
    expect(await sut.sniff(Buffer.from('# Notes\n- one'), 'notes.md')).toEqual({ type: 'text/markdown' });
    expect(await sut.sniff(onePagePdf(), 'x.bin')).toEqual({ type: 'application/pdf' });
  }, 30_000);

  it('makes upright WebP thumbnails without metadata, reporting progress', async () => {
    // 40×20 stored, EXIF orientation 6 (rotate 90°): shown 20×40.
    const jpeg = await sharp({ create: { width: 40, height: 20, channels: 3, background: '#f00' } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const steps: string[] = [];
    const result = await sut.preview(jpeg, 'image/jpeg', 'a.jpg', jpeg.length, limits, (_, step) => steps.push(step));
    expect(result.preview).toMatchObject({ kind: 'image', width: 20, height: 40, sizes: ['small', 'large'] });
    const small = await sharp(result.small!).metadata();
    expect([small.format, small.width, small.height, small.exif, small.orientation]).toEqual(['webp', 20, 40, undefined, undefined]);
    expect(steps.length).toBeGreaterThan(0);
  }, 30_000);

  it('gives a 20,000×20,000 image a generic preview without decoding it', async () => {
    const result = await sut.preview(hugePng(), 'image/png', 'bomb.png', 1000, limits);
    expect(result.preview).toMatchObject({ kind: 'generic', icon: 'image', width: 20_000, height: 20_000 });
    expect(result.maxRssBytes).toBeLessThan(400 * 1024 * 1024);
  }, 30_000);

  it('renders the first page of a PDF', async () => {
    const result = await sut.preview(onePagePdf('Hi', 3), 'application/pdf', 'a.pdf', 1000, limits);
    expect(result.preview).toMatchObject({ kind: 'pdf', pages: 3, width: 612, height: 792 });
    const large = await sharp(result.large!).metadata();
    expect([large.format, large.height]).toEqual(['webp', 1024]);
  }, 30_000);

  it('keeps a snippet of a text file', async () => {
    const result = await sut.preview(Buffer.from('line one\r\nline two\u0007\n'), 'text/plain', 'a.txt', 20, limits);
    expect(result.preview).toEqual({ kind: 'text', sizes: [], icon: 'text', snippet: 'line one\nline two\n' });
  }, 30_000);

  it('fails one request when its worker hangs, and goes on with a fresh worker', async () => {
    const impatient = new ContentWorkers({ size: 1, timeoutMs: 20_000 });
    try {
      expect(await impatient.sniff(Buffer.from('warm'), 'a.txt')).toEqual({ type: 'text/plain' });
      // A 36-megapixel image cannot be decoded and thumbnailed in 20 ms.
      const big = await sharp({ create: { width: 6000, height: 6000, channels: 3, background: '#123' } }).png({ compressionLevel: 0 }).toBuffer();
      await expect(impatient.preview(big, 'image/png', 'big.png', big.length, limits, undefined, 20)).rejects.toMatchObject({ code: 'TIMEOUT' });
      expect(await impatient.sniff(Buffer.from('still here'), 'a.txt')).toEqual({ type: 'text/plain' });
    } finally {
      await impatient.close();
    }
  }, 60_000);
});
