import { TokenBucket } from './token-bucket';

describe(TokenBucket.name, () => {
  it('allows a burst, then refills at the rate and says when to retry', () => {
    let now = 0;
    const sut = new TokenBucket(10, 3, () => now);
    expect([sut.take().ok, sut.take().ok, sut.take().ok]).toEqual([true, true, true]);
    expect(sut.take()).toEqual({ ok: false, retryAfterMs: 100 });
    now += 100;
    expect(sut.take().ok).toBe(true);
    now += 10_000;
    expect([sut.take().ok, sut.take().ok, sut.take().ok, sut.take().ok]).toEqual([true, true, true, false]);
  });
});
