import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What goes over the wire for one webhook delivery, kept free of I/O so the
 * unit spec can pin it down: the body, its signature, the headers, the retry
 * schedule and the BullMQ job ids.
 */

export const USER_AGENT = 'FocusOne-Webhooks/1';
export const SIGNATURE_HEADER = 'X-FocusOne-Signature';
export const EVENT_HEADER = 'X-FocusOne-Event';
export const DELIVERY_HEADER = 'X-FocusOne-Delivery';

export interface EventEnvelope {
  /** The outbox event id: the same for every subscriber, stable across retries. */
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Serialised once; these exact bytes are signed and sent. */
export function serializeEnvelope(envelope: EventEnvelope): Buffer {
  const { id, type, occurredAt, data } = envelope;
  return Buffer.from(JSON.stringify({ id, type, occurredAt, data }), 'utf8');
}

/** `sha256=<hex HMAC-SHA256 of the raw body keyed with the subscription secret>`. */
export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does (documented for subscribers, used by the tests): constant-time comparison. */
export function verifySignature(body: Buffer | string, secret: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(body, secret));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export function deliveryHeaders(input: { type: string; deliveryId: string; signature: string }): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    [EVENT_HEADER]: input.type,
    [DELIVERY_HEADER]: input.deliveryId,
    [SIGNATURE_HEADER]: input.signature,
  };
}

/** No retry waits longer than this, however large the attempt number. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * Wait before attempt `failedAttempt + 1`: base·2^(failedAttempt-1), capped,
 * plus up to 10 % jitter so a receiver that was down does not get every
 * retry in the same millisecond when it comes back.
 */
export function retryDelayMs(failedAttempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 40);
  const cap = Math.max(MAX_RETRY_DELAY_MS, baseMs);
  const plain = Math.min(baseMs * 2 ** exponent, cap);
  return Math.round(plain + plain * 0.1 * random());
}

/** One BullMQ job per (delivery, attempt): adding it twice is a no-op while it exists. No `:` (BullMQ's key separator). */
export const deliveryJobId = (deliveryId: string, attempt: number) => `dlv-${deliveryId}-a${attempt}`;

/** Only a 2xx is a success; a redirect is not followed and counts as a failure. */
export const isSuccess = (status: number) => status >= 200 && status < 300;
