import type { EventEnvelope } from './delivery-protocol';
import { deliveryHeaders, isSuccess, serializeEnvelope, signBody } from './delivery-protocol';
import type { WebhookTargets } from './webhook-targets';

export interface SignedPostOptions {
  /** Unique per delivery, stable across its retries (receivers de-duplicate on X-FocusOne-Delivery). */
  deliveryId: string;
  timeoutMs: number;
}

export type SignedPostResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * One signed POST of an envelope, by the webhook protocol (same body bytes,
 * signature and headers as subscription deliveries) behind the same SSRF
 * guard, checked again right before sending and with the connection pinned
 * to the address it approved. For callers that keep their own delivery
 * state, such as a region's work-order dispatch endpoint.
 */
export async function postSigned(
  targets: WebhookTargets,
  url: string,
  secret: string,
  envelope: EventEnvelope,
  options: SignedPostOptions,
): Promise<SignedPostResult> {
  const body = serializeEnvelope(envelope);
  const headers = deliveryHeaders({ type: envelope.type, deliveryId: options.deliveryId, signature: signBody(body, secret) });
  const signal = AbortSignal.timeout(options.timeoutMs);
  try {
    const sent = await targets.post(url, { headers, body, signal });
    if (sent.kind === 'refused') return { ok: false, statusCode: null, error: `refused: ${sent.reason}` };
    return isSuccess(sent.statusCode)
      ? { ok: true, statusCode: sent.statusCode }
      : { ok: false, statusCode: sent.statusCode, error: `HTTP ${sent.statusCode}` };
  } catch (err) {
    return { ok: false, statusCode: null, error: signal.aborted ? `timeout after ${options.timeoutMs} ms` : (err as Error).message };
  }
}
