import { Config, Metrics, createLogger, loadConfig } from '@tandem/platform';
import { Writable } from 'node:stream';
import pino from 'pino';
import { MessageLog } from './message-log';

function setup(rate: number, failuresPerMinute = 30) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(chunk.toString()));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink) as unknown as ReturnType<typeof createLogger>;
  const config: Config = { ...loadConfig({}), MESSAGE_LOG_SAMPLE_RATE: rate, MESSAGE_LOG_FAILURES_PER_MINUTE: failuresPerMinute };
  return { sut: new MessageLog(config, logger, new Metrics('test')), lines };
}

const session = (socketId: string) => ({ socketId, tenant: 't', userId: 'u' });

describe(MessageLog.name, () => {
  it('logs every message of a sampled session with its outcome and pacing', async () => {
    const { sut, lines } = setup(1);
    sut.record(session('s1'), Date.now() - 50, 'command', [{ type: 'doc.counter.increment', commandId: 'c1' }, () => undefined], { ok: true });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ log: 'message', session: 's1', event: 'command', outcome: 'ok', sampled: true, args: [{ commandId: 'c1' }] });
    expect(lines[0].t).toBeGreaterThanOrEqual(50);
  });

  it('logs refused and failed messages of unsampled sessions, and nothing else', async () => {
    const { sut, lines } = setup(0);
    sut.record(session('s1'), Date.now(), 'command', [{}], { ok: true });
    sut.record(session('s1'), Date.now(), 'command', [{}], { ok: false, error: { code: 'FORBIDDEN' } });
    sut.record(session('s1'), Date.now(), 'join', [{}], { ok: false, error: { code: 'RATE_LIMITED' } }, true);
    await new Promise((r) => setImmediate(r));
    expect(lines.map((l) => [l.outcome, l.sampled, (l.error as { code: string }).code])).toEqual([
      ['error', false, 'FORBIDDEN'],
      ['refused', false, 'RATE_LIMITED'],
    ]);
  });

  it('samples whole sessions at about the configured rate, the same decision for every message of one', () => {
    const { sut } = setup(0.25);
    const ids = Array.from({ length: 4000 }, (_, i) => `socket-${i}`);
    const share = ids.filter((id) => sut.sampled(id)).length / ids.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
    expect(ids.every((id) => sut.sampled(id) === sut.sampled(id))).toBe(true);
  });

  it('truncates a huge payload but keeps its size', async () => {
    const { sut, lines } = setup(1);
    sut.record(session('s2'), Date.now(), 'command', [{ text: 'x'.repeat(100_000) }], { ok: true });
    await new Promise((r) => setImmediate(r));
    expect(lines[0].args).toEqual([expect.objectContaining({ truncated: true, chars: 100_011 })]);
  });

  it('logs at most the per-minute budget of an unsampled session\'s failures, then one summary when it ends', async () => {
    const { sut, lines } = setup(0, 3);
    for (let i = 0; i < 10; i++) sut.record(session('flood'), Date.now(), 'command', [{ n: i }], { ok: false, error: { code: 'INVALID_MESSAGE' } }, true);
    sut.record(session('other'), Date.now(), 'command', [{}], { ok: false, error: { code: 'FORBIDDEN' } });
    sut.forget(session('flood'));
    await new Promise((r) => setImmediate(r));
    expect(lines.filter((l) => l.log === 'message' && l.session === 'flood').map((l) => (l.args as { n: number }[])[0].n)).toEqual([0, 1, 2]);
    expect(lines.filter((l) => l.session === 'other')).toHaveLength(1);
    expect(lines.filter((l) => l.log === 'message-suppressed')).toEqual([expect.objectContaining({ session: 'flood', suppressed: 7 })]);
  });

  it('never budgets a sampled session, whose every message is wanted for replay', async () => {
    const { sut, lines } = setup(1, 1);
    for (let i = 0; i < 5; i++) sut.record(session('s3'), Date.now(), 'command', [{}], { ok: false, error: { code: 'FORBIDDEN' } });
    await new Promise((r) => setImmediate(r));
    expect(lines).toHaveLength(5);
  });

  it('keeps only the head of a large payload of a failed message in an unsampled session', async () => {
    const { sut, lines } = setup(0);
    sut.record(session('s4'), Date.now(), 'command', [{ text: 'y'.repeat(5000) }], { ok: false, error: { code: 'INVALID_MESSAGE' } }, true);
    await new Promise((r) => setImmediate(r));
    expect(lines[0].args).toEqual([expect.objectContaining({ truncated: true, chars: 5011 })]);
  });
});
