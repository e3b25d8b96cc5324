import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhook } from './webhook-signature';

describe('signWebhook', () => {
  it('signs "<timestamp>.<body>" with HMAC-SHA256, and a receiver verifies it', () => {
    const body = '{"a":1}';
    expect(signWebhook('secret-secret-123', 1700000000, body)).toBe(`sha256=${createHmac('sha256', 'secret-secret-123').update(`1700000000.${body}`).digest('hex')}`);
    const headers = { signature: signWebhook('secret-secret-123', 1700000000, body), timestamp: '1700000000' };
    expect(verifyWebhook('secret-secret-123', headers, body, 1700000010)).toBe(true);
    expect(verifyWebhook('wrong-secret-1234', headers, body, 1700000010)).toBe(false);
    expect(verifyWebhook('secret-secret-123', headers, '{"a":2}', 1700000010)).toBe(false);
    expect(verifyWebhook('secret-secret-123', headers, body, 1700001000)).toBe(false);
  });
});
