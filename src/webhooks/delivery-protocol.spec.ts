import { createHmac } from 'node:crypto';
import { MAX_RETRY_DELAY_MS, retryDelayMs } from '../common/retry-delay';
import { deliveryHeaders, deliveryJobId, isSuccess, serializeEnvelope, signBody, verifySignature, verifyV2 } from './delivery-protocol';

describe('webhook delivery protocol', () => {
  const envelope = {
    id: '7d1c7f64-4a3e-4f8a-9b7e-0c6f1d2e3a4b',
    type: 'fault.created',
    occurredAt: '2026-11-27T08:00:00.000Z',
    data: { caseNo: 'FLT-20261127-000042', title: '专线中断' },
  };

  it('serialises exactly {id, type, occurredAt, data}, UTF-8', () => {
    const body = serializeEnvelope({ ...envelope, extra: 'dropped' } as never);
    expect(JSON.parse(body.toString('utf8'))).toEqual(envelope);
    expect(Object.keys(JSON.parse(body.toString('utf8')))).toEqual(['id', 'type', 'occurredAt', 'data']);
    expect(body.toString('utf8')).toContain('专线中断');
  });

  it('signs the raw bytes with HMAC-SHA256 of the secret, as sha256=<hex>', () => {
    const body = serializeEnvelope(envelope);
    const secret = 'a-secret-of-24-characters';
    const expected = createHmac('sha256', secret).update(body).digest('hex');
    expect(signBody(body, secret)).toBe(`sha256=${expected}`);
    expect(verifySignature(body, secret, `sha256=${expected}`)).toBe(true);
    expect(verifySignature(body, 'another-secret-xxxxxxx', `sha256=${expected}`)).toBe(false);
    expect(verifySignature(Buffer.concat([body, Buffer.from(' ')]), secret, `sha256=${expected}`)).toBe(false);
    expect(verifySignature(body, secret, undefined)).toBe(false);
    expect(verifySignature(body, secret, 'sha256=abc')).toBe(false);
  });

  const hmac = (secret: string, text: Buffer | string) => createHmac('sha256', secret).update(text).digest('hex');

  it('sends the documented headers: V1 over the body, the timestamp, and V2 over "<timestamp>.<body>"', () => {
    const body = serializeEnvelope(envelope);
    const secret = 'a-secret-of-24-characters';
    expect(
      deliveryHeaders({
        type: 'sla.breached',
        deliveryId: 'd-1',
        body,
        secrets: { current: secret, previous: null },
        timestamp: 1796000000,
      }),
    ).toEqual({
      'Content-Type': 'application/json',
      'User-Agent': 'FocusOne-Webhooks/1',
      'X-FocusOne-Event': 'sla.breached',
      'X-FocusOne-Delivery': 'd-1',
      'X-FocusOne-Signature': `sha256=${hmac(secret, body)}`,
      'X-FocusOne-Timestamp': '1796000000',
      'X-FocusOne-Signature-V2': `t=1796000000,v1=${hmac(secret, Buffer.concat([Buffer.from('1796000000.'), body]))}`,
    });
  });

  it('during a rotation’s overlap: V1 with the previous secret, -New with the new one, V2 with both (new first)', () => {
    const body = serializeEnvelope(envelope);
    const [current, previous] = ['the-new-secret-of-24-chars', 'the-old-secret-of-24-chars'];
    const h = deliveryHeaders({ type: 'fault.created', deliveryId: 'd-2', body, secrets: { current, previous }, timestamp: 1796000001 });
    expect(verifySignature(body, previous, h['X-FocusOne-Signature'])).toBe(true);
    expect(verifySignature(body, current, h['X-FocusOne-Signature-New'])).toBe(true);
    const signed = Buffer.concat([Buffer.from('1796000001.'), body]);
    expect(h['X-FocusOne-Signature-V2']).toBe(`t=1796000001,v1=${hmac(current, signed)},v1=${hmac(previous, signed)}`);
    for (const secret of [current, previous])
      expect(verifyV2(body, secret, h['X-FocusOne-Signature-V2'], 300, 1796000001)).toEqual({ ok: true, timestamp: 1796000001 });
  });

  it('verifies V2 as a receiver should: any v1= matching, the timestamp within the tolerance, else why not', () => {
    const body = serializeEnvelope(envelope);
    const secret = 'a-secret-of-24-characters';
    const header = deliveryHeaders({
      type: 't',
      deliveryId: 'd',
      body,
      secrets: { current: secret, previous: null },
      timestamp: 1796000000,
    })['X-FocusOne-Signature-V2'];
    expect(verifyV2(body, secret, header, 300, 1796000000 + 300)).toEqual({ ok: true, timestamp: 1796000000 });
    expect(verifyV2(body, secret, header, 300, 1796000000 + 301)).toEqual({ ok: false, reason: 'too_old' });
    expect(verifyV2(body, secret, header, 300, 1796000000 - 301)).toEqual({ ok: false, reason: 'too_new' });
    expect(verifyV2(body, 'another-secret-xxxxxxx', header, 300, 1796000000)).toEqual({ ok: false, reason: 'signature' });
    // a replay with a fresh t= but the old signature: the timestamp is signed, so it fails
    expect(verifyV2(body, secret, header.replace('t=1796000000', 't=1796000100'), 300, 1796000100)).toEqual({
      ok: false,
      reason: 'signature',
    });
    expect(verifyV2(Buffer.concat([body, Buffer.from(' ')]), secret, header, 300, 1796000000)).toEqual({ ok: false, reason: 'signature' });
    for (const bad of [undefined, '', 'v1=abc', 't=x,v1=abc', 't=1796000000'])
      expect(verifyV2(body, secret, bad, 300, 1796000000)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('backs off exponentially from the base, with at most 10 % jitter, capped', () => {
    const none = () => 0;
    expect([1, 2, 3, 4, 5].map((a) => retryDelayMs(a, 2000, none))).toEqual([2000, 4000, 8000, 16000, 32000]);
    expect(retryDelayMs(3, 100, () => 0.999)).toBeLessThanOrEqual(440);
    expect(retryDelayMs(3, 100, () => 0.999)).toBeGreaterThan(400);
    expect(retryDelayMs(30, 2000, none)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(1000, 2000, none)).toBe(MAX_RETRY_DELAY_MS);
    expect(Number.isFinite(retryDelayMs(1000, 2000))).toBe(true);
  });

  it('names one job per delivery attempt, without the ":" BullMQ reserves', () => {
    const id = deliveryJobId('7d1c7f64-4a3e-4f8a-9b7e-0c6f1d2e3a4b', 3);
    expect(id).toBe('dlv-7d1c7f64-4a3e-4f8a-9b7e-0c6f1d2e3a4b-a3');
    expect(id).not.toContain(':');
  });

  it('counts only 2xx as delivered', () => {
    expect([200, 201, 204, 299].every(isSuccess)).toBe(true);
    expect([199, 301, 302, 304, 400, 410, 500, 503].some(isSuccess)).toBe(false);
  });
});
