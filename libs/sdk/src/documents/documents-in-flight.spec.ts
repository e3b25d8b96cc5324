import type { CommandAck, JoinAck } from '@tandem/contracts';
import { richtext, splitChanges } from '@tandem/documents';
import { DocumentsApi, DocumentsTransport, MAX_IN_FLIGHT, MIN_SEND_INTERVAL_MS, RESEND_AFTER_MS, RESEND_MAX_MS } from './documents';

/** A gateway that acknowledges commands only when the test says so (as Kafka would, later). */
function setup() {
  const sent: Array<{ commandId: string; changes: number; relayed?: true; ack: (a: CommandAck) => void; fail: (e: Error) => void }> = [];
  const transport: DocumentsTransport = {
    connected: () => true,
    join: async (docId, kind): Promise<JoinAck> => ({ ok: true, role: 'editor', state: { kind: 'doc.sync', docId, docKind: kind, seq: 0, heads: [], changes: new Uint8Array(), created: true } }),
    leave: () => undefined,
    command: (message) => new Promise<CommandAck>((resolve, reject) => sent.push({ commandId: message.commandId, changes: splitChanges(message.changes).length, relayed: message.relayed, ack: resolve, fail: reject })),
    docs: async () => ({ ok: false, error: { code: 'UNAVAILABLE', message: 'not in this test' } }),
    userId: async () => 'ann',
    onStatus: () => undefined,
  };
  let n = 0;
  const sut = new DocumentsApi(transport, undefined, () => `cmd-${++n}`);
  return { sut, sent };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
/** As far apart as keystrokes: more than the SDK's minimum interval between commands. */
const keystroke = () => new Promise((r) => setTimeout(r, MIN_SEND_INTERVAL_MS + 5));

describe(DocumentsApi.name, () => {
  it('sends each keystroke at once while earlier commands wait for their acknowledgement', async () => {
    const { sut, sent } = setup();
    const doc = await sut.open('d', 'richtext');
    for (let i = 0; i < 3; i++) {
      doc.change((d) => richtext.insertText(d, 0, 'x'));
      await keystroke();
    }
    expect(sent.map((s) => s.changes)).toEqual([1, 1, 1]);
    sut.shutdown();
  });

  it('holds what is typed past the in-flight limit and sends it together on the next acknowledgement', async () => {
    const { sut, sent } = setup();
    const doc = await sut.open('d', 'richtext');
    for (let i = 0; i < MAX_IN_FLIGHT + 3; i++) {
      doc.change((d) => richtext.insertText(d, 0, 'x'));
      await keystroke();
    }
    expect(sent).toHaveLength(MAX_IN_FLIGHT);
    sent[0].ack({ ok: true, commandId: sent[0].commandId });
    await tick();
    expect(sent).toHaveLength(MAX_IN_FLIGHT + 1);
    expect(sent.at(-1)!.changes).toBe(3);
    expect(doc.pending).toBe(MAX_IN_FLIGHT + 3);
    sut.shutdown();
  });

  it('resends a command the service has not announced durable less and less often while it stays slow', async () => {
    jest.useFakeTimers();
    const { sut, sent } = setup();
    try {
      const doc = await sut.open('d', 'richtext');
      doc.change((d) => richtext.insertText(d, 0, 'x'));
      await jest.advanceTimersByTimeAsync(1);
      sent[0].ack({ ok: true, commandId: sent[0].commandId }); // Kafka has it; no doc.merged comes
      const at: number[] = [];
      const started = Date.now();
      for (let s = 0; s < 300; s++) {
        const before = sent.length;
        await jest.advanceTimersByTimeAsync(1_000);
        for (let i = before; i < sent.length; i++) {
          at.push(Math.round((Date.now() - started) / 1000));
          sent[i].ack({ ok: true, commandId: sent[i].commandId });
        }
      }
      expect(sent.every((s) => s.commandId === sent[0].commandId)).toBe(true);
      const gaps = at.map((t, i) => t - (at[i - 1] ?? 0));
      // ~10, 20, 40, 80, 80 s apart (checked every RESEND_AFTER_MS / 2): a slow service is not flooded, a lost command still goes again.
      expect(gaps.length).toBeGreaterThanOrEqual(4);
      expect(gaps.length).toBeLessThanOrEqual(6);
      for (let i = 1; i < gaps.length; i++) expect(gaps[i]).toBeGreaterThanOrEqual(Math.min(gaps[i - 1], RESEND_MAX_MS / 1000));
      expect(gaps.at(-1)).toBeGreaterThanOrEqual(RESEND_MAX_MS / 1000);
      expect(gaps.at(-1)).toBeLessThanOrEqual((RESEND_MAX_MS + RESEND_AFTER_MS) / 1000);
    } finally {
      sut.shutdown();
      jest.useRealTimers();
    }
  });

  it('marks the resend of an acknowledged command relayed (the gateway relayed it then), not one whose first send was lost', async () => {
    jest.useFakeTimers();
    const { sut, sent } = setup();
    try {
      const doc = await sut.open('d', 'richtext');
      doc.change((d) => richtext.insertText(d, 0, 'a'));
      await jest.advanceTimersByTimeAsync(MIN_SEND_INTERVAL_MS + 1);
      doc.change((d) => richtext.insertText(d, 0, 'b'));
      await jest.advanceTimersByTimeAsync(MIN_SEND_INTERVAL_MS + 1);
      expect(sent).toHaveLength(2);
      sent[0].ack({ ok: true, commandId: sent[0].commandId }); // the gateway took it (and relayed it)
      sent[1].fail(new Error('ack timeout')); // never reached a gateway, as far as the client knows
      await jest.advanceTimersByTimeAsync(RESEND_AFTER_MS + RESEND_AFTER_MS / 2);
      const resent = sent.slice(2).map((s) => [s.commandId, s.relayed ?? false]);
      expect(resent).toEqual(expect.arrayContaining([[sent[0].commandId, true], [sent[1].commandId, false]]));
    } finally {
      sut.shutdown();
      jest.useRealTimers();
    }
  });

  it('batches edits made in quick succession (a replay, a script) while a command is unacknowledged', async () => {
    const { sut, sent } = setup();
    const doc = await sut.open('d', 'richtext');
    jest.useFakeTimers();
    try {
      for (let i = 0; i < 4; i++) {
        doc.change((d) => richtext.insertText(d, 0, 'x'));
        await jest.advanceTimersByTimeAsync(1);
      }
      await jest.advanceTimersByTimeAsync(MIN_SEND_INTERVAL_MS);
      expect(sent.map((s) => s.changes)).toEqual([1, 3]);
    } finally {
      jest.useRealTimers();
      sut.shutdown();
    }
  });
});
