import { EventEnvelope, deliveryHeaders, isSuccess, serializeEnvelope, signBody } from './delivery-protocol';
import { checkWebhookUrl } from './url-guard';

export interface SignedPostOptions {
  /** Unique per delivery, stable across its retries (receivers de-duplicate on X-FocusOne-Delivery). */
  deliveryId: string;
  allowPrivate: boolean;
  timeoutMs: number;
}

export type SignedPostResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * One signed POST of an envelope, by the webhook protocol (same body bytes,
 * signature and headers as subscription deliveries) behind the same SSRF
 * guard, checked again right before sending. For callers that keep their own
 * delivery state, such as a region's work-order dispatch endpoint.
 */
export async function postSigned(
  url: string,
  secret: string,
  envelope: EventEnvelope,
  options: SignedPostOptions,
): Promise<SignedPostResult> {
  const body = serializeEnvelope(envelope);
  const headers = deliveryHeaders({ type: envelope.type, deliveryId: options.deliveryId, signature: signBody(body, secret) });
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const check = await checkWebhookUrl(url, { allowPrivate: options.allowPrivate, signal });
    if (!check.ok) return { ok: false, statusCode: null, error: `refused: ${check.reason}` };
    const res = await fetch(check.url, { method: 'POST', headers, body, redirect: 'manual', signal });
    await res.body?.cancel().catch(() => undefined);
    return isSuccess(res.status)
      ? { ok: true, statusCode: res.status }
      : { ok: false, statusCode: res.status, error: `HTTP ${res.status}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: signal.aborted ? `timeout after ${options.timeoutMs} ms` : (err as Error).message };
  }
}
