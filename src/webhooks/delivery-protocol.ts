import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * What goes over the wire for one webhook delivery, kept free of I/O so the
 * unit spec can pin it down: the body, its signature, the headers, the retry
 * schedule and the BullMQ job ids.
 */

export const USER_AGENT = 'FocusOne-Webhooks/1';
export const SIGNATURE_HEADER = 'X-FocusOne-Signature';
/** During a secret rotation's overlap only: the V1 signature made with the new secret. */
export const SIGNATURE_NEW_HEADER = 'X-FocusOne-Signature-New';
export const TIMESTAMP_HEADER = 'X-FocusOne-Timestamp';
export const SIGNATURE_V2_HEADER = 'X-FocusOne-Signature-V2';
export const EVENT_HEADER = 'X-FocusOne-Event';
export const DELIVERY_HEADER = 'X-FocusOne-Delivery';

export interface EventEnvelope {
  /** The outbox event id: the same for every subscriber, stable across retries and redeliveries. */
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
  return sameText(signBody(body, secret), header);
}

/** The V2 signature: hex HMAC-SHA256 of `<timestamp>.<raw body>`, so the time a receiver checks is signed with the body. */
export function signTimestamped(body: Buffer | string, secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}

/**
 * The signing keys of one attempt: the current secret, and during a
 * rotation's overlap the previous one too (null otherwise).
 */
export interface SigningSecrets {
  current: string;
  previous: string | null;
}

/**
 * The signature headers of one attempt, made at `timestamp` (Unix seconds):
 * - `X-FocusOne-Signature: sha256=<hex>` over the body, one value, as ever.
 *   During an overlap it is made with the previous secret: a receiver that
 *   compares it whole with the secret it has always had keeps working, and
 *   `X-FocusOne-Signature-New` carries the same with the new secret, for a
 *   receiver that has switched already.
 * - `X-FocusOne-Timestamp: <timestamp>` and
 *   `X-FocusOne-Signature-V2: t=<timestamp>,v1=<hex>[,v1=<hex>]`, one `v1=` per
 *   valid secret (the new one first): the timestamp is signed, so a receiver
 *   can refuse a replayed request.
 */
export function signatureHeaders(body: Buffer | string, secrets: SigningSecrets, timestamp: number): Record<string, string> {
  const valid = secrets.previous === null ? [secrets.current] : [secrets.current, secrets.previous];
  return {
    [SIGNATURE_HEADER]: signBody(body, secrets.previous ?? secrets.current),
    ...(secrets.previous === null ? {} : { [SIGNATURE_NEW_HEADER]: signBody(body, secrets.current) }),
    [TIMESTAMP_HEADER]: String(timestamp),
    [SIGNATURE_V2_HEADER]: [`t=${timestamp}`, ...valid.map((s) => `v1=${signTimestamped(body, s, timestamp)}`)].join(','),
  };
}

export type V2Verdict = { ok: true; timestamp: number } | { ok: false; reason: 'malformed' | 'signature' | 'too_old' | 'too_new' };

/**
 * What a receiver does with V2 (README, "Webhooks"; used by the tests):
 * parse `t=` and every `v1=`, recompute the HMAC of `<t>.<raw body>` with its
 * secret, accept when any `v1=` matches in constant time, and refuse a
 * timestamp more than `toleranceSeconds` away from its own clock (a replay).
 */
export function verifyV2(
  body: Buffer | string,
  secret: string,
  header: string | undefined,
  toleranceSeconds = 300,
  nowSeconds = Math.floor(Date.now() / 1000),
): V2Verdict {
  if (!header) return { ok: false, reason: 'malformed' };
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v);
  if (!t || !/^\d{1,12}$/.test(t) || !signatures.length) return { ok: false, reason: 'malformed' };
  const timestamp = Number(t);
  const expected = signTimestamped(body, secret, timestamp);
  if (!signatures.some((s) => sameText(expected, s))) return { ok: false, reason: 'signature' };
  if (timestamp < nowSeconds - toleranceSeconds) return { ok: false, reason: 'too_old' };
  if (timestamp > nowSeconds + toleranceSeconds) return { ok: false, reason: 'too_new' };
  return { ok: true, timestamp };
}

function sameText(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Every header of one delivery attempt, signed at `timestamp` (Unix seconds). */
export function deliveryHeaders(input: {
  type: string;
  deliveryId: string;
  body: Buffer | string;
  secrets: SigningSecrets;
  timestamp: number;
}): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'User-Agent': USER_AGENT,
    [EVENT_HEADER]: input.type,
    [DELIVERY_HEADER]: input.deliveryId,
    ...signatureHeaders(input.body, input.secrets, input.timestamp),
  };
}

/** Now, in the Unix seconds of X-FocusOne-Timestamp. */
export const unixSeconds = (at: Date = new Date()) => Math.floor(at.getTime() / 1000);

/** One BullMQ job per (delivery, attempt): adding it twice is a no-op while it exists. No `:` (BullMQ's key separator). */
export const deliveryJobId = (deliveryId: string, attempt: number) => `dlv-${deliveryId}-a${attempt}`;

/** Only a 2xx is a success; a redirect is not followed and counts as a failure. */
export const isSuccess = (status: number) => status >= 200 && status < 300;
