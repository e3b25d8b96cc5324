import { richtext } from '@tandem/documents';
import { eventually, uniqueId } from '@tandem/platform/testing';
import type { DocHandle } from '@tandem/sdk';
import { DocsPlatform } from './support/docs-platform';

/**
 * Crash safety: clients on two gateways keep typing into one document while the docs service is
 * SIGKILLed and restarted. Every token acknowledged as durable before the kill is in the stored
 * document afterwards, and (the outboxes resend) so is every other token.
 */
describe('the docs service SIGKILLed under load', () => {
  const platform = new DocsPlatform();

  beforeAll(() => platform.start());
  afterAll(() => platform.stop());

  it('loses no change acknowledged as durable, and none at all in the end', async () => {
    const tenant = uniqueId('tenant');
    const writers = 6;
    const rounds = 12;
    const perRound = 10;
    const handles: DocHandle<'richtext'>[] = [];
    for (let k = 0; k < writers; k++) handles.push(await (await platform.client(tenant, `writer-${k}`, { gateway: k })).documents.open('crash', 'richtext'));
    const durableBeforeKill: string[] = [];
    let killed = false;
    let crash: Promise<void> | undefined;
    let durableRounds = 0;
    await Promise.all(
      handles.map(async (h, k) => {
        for (let round = 0; round < rounds; round++) {
          const tokens: string[] = [];
          for (let i = 0; i < perRound; i++) {
            const token = `<${k}.${round}.${i}>`;
            tokens.push(token);
            h.change((d) => richtext.insertText(d, d.text.length, token));
            await new Promise((r) => setTimeout(r, 5));
          }
          await h.whenDurable();
          if (!killed) durableBeforeKill.push(...tokens);
          if (++durableRounds === writers * 3 && !crash) {
            // A third of the way in, with everyone typing: kill the service mid-batch.
            killed = true;
            crash = platform.crashAndRestartDocs();
          }
        }
      }),
    );
    await crash;
    expect(durableBeforeKill.length).toBeGreaterThanOrEqual(writers * 2 * perRound);
    const fresh = await platform.freshCopy(tenant, 'crash', 'richtext');
    const text = fresh.doc.text;
    for (const token of durableBeforeKill) expect(text).toContain(token);
    for (let k = 0; k < writers; k++) for (let r = 0; r < rounds; r++) for (let i = 0; i < perRound; i++) expect(text).toContain(`<${k}.${r}.${i}>`);
    await eventually(() => expect(handles.map((h) => h.doc.text)).toEqual(handles.map(() => text)), 30_000, 100);
  });
});
