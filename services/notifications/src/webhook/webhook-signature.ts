import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying `sha256=<hex>`: the HMAC-SHA256, keyed by the tenant's secret, of `<timestamp>.<body>`. */
export const SIGNATURE_HEADER = 'x-tandem-signature';
/** Header carrying the signing time in seconds since the epoch (reject old ones to stop replays). */
export const TIMESTAMP_HEADER = 'x-tandem-timestamp';

/** Signs a webhook body as sent at `timestamp` (seconds). */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does (documented in docs/notifications.md): recompute the signature over the raw
 * body and compare in constant time, and refuse timestamps older than `toleranceSeconds`.
 */
export function verifyWebhook(secret: string, headers: { signature?: string; timestamp?: string }, body: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp) || Math.abs(nowSeconds - timestamp) > toleranceSeconds) return false;
  const want = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(headers.signature);
  return want.length === given.length && timingSafeEqual(want, given);
}
