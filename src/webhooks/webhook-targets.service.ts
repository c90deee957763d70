import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { DeliveryFormats } from './delivery-formats.service';
import type { EventEnvelope, SigningSecrets } from './delivery-protocol';
import { deliveryHeaders, isSuccess, serializeEnvelope, unixSeconds } from './delivery-protocol';
import { PinnedPostInit, postPinned } from '../common/outbound/pinned-post';
import type { Lookup, UrlCheck } from './url-guard';
import { checkWebhookUrl, systemLookup } from './url-guard';

/** The resolver behind the SSRF guard: the system's by default; a test stands in a stub (no real DNS). */
export const HOST_LOOKUP = Symbol('HOST_LOOKUP');

export type TargetPost = { kind: 'answered'; statusCode: number } | { kind: 'refused'; reason: string };

export interface SignedPostOptions {
  /** Unique per delivery, stable across its retries (receivers de-duplicate on X-FocusOne-Delivery). */
  deliveryId: string;
  timeoutMs: number;
}

export type SignedPostResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * Every outbound POST to a URL a user chose (webhook subscriptions and the
 * regions' work-order dispatch endpoints) goes through here: the SSRF guard
 * with the configured resolver, then a connection pinned to exactly the
 * addresses that guard approved (see postPinned), so a name cannot be
 * re-pointed between the check and the connection.
 */
@Injectable()
export class WebhookTargets {
  constructor(
    private readonly config: AppConfig,
    @Inject(HOST_LOOKUP) private readonly lookup: Lookup,
  ) {}

  /** The guard alone (when a URL is registered). */
  check(url: string, signal?: AbortSignal): Promise<UrlCheck> {
    return checkWebhookUrl(url, { allowPrivate: this.config.events.webhookAllowPrivate, lookup: this.lookup, signal });
  }

  /**
   * Checks `url` again (its name may point elsewhere since it was registered),
   * then POSTs to the approved addresses only. Rejects on a network error or
   * when `signal` aborts.
   */
  async post(url: string, init: PinnedPostInit): Promise<TargetPost> {
    const check = await this.check(url, init.signal);
    if (!check.ok) return { kind: 'refused', reason: check.reason };
    return { kind: 'answered', statusCode: await postPinned(check.url, check.addresses, init) };
  }

  /**
   * One signed POST of an envelope, by the webhook protocol (same body bytes,
   * signature and headers as subscription deliveries) through post() above.
   * For callers that keep their own delivery state, such as a region's
   * work-order dispatch endpoint, and for a subscription's ping (with the
   * secrets valid now). Never rejects: a failure is the result.
   */
  async postSigned(
    url: string,
    secret: string | SigningSecrets,
    envelope: EventEnvelope,
    options: SignedPostOptions,
  ): Promise<SignedPostResult> {
    const body = serializeEnvelope(envelope);
    const headers = deliveryHeaders({
      type: envelope.type,
      deliveryId: options.deliveryId,
      body,
      secrets: typeof secret === 'string' ? { current: secret, previous: null } : secret,
      timestamp: unixSeconds(),
    });
    const signal = AbortSignal.timeout(options.timeoutMs);
    try {
      const sent = await this.post(url, { headers, body, signal });
      if (sent.kind === 'refused') return { ok: false, statusCode: null, error: `refused: ${sent.reason}` };
      return isSuccess(sent.statusCode)
        ? { ok: true, statusCode: sent.statusCode }
        : { ok: false, statusCode: sent.statusCode, error: `HTTP ${sent.statusCode}` };
    } catch (err) {
      return { ok: false, statusCode: null, error: signal.aborted ? `timeout after ${options.timeoutMs} ms` : (err as Error).message };
    }
  }
}

@Global()
@Module({
  providers: [WebhookTargets, DeliveryFormats, { provide: HOST_LOOKUP, useValue: systemLookup }],
  exports: [WebhookTargets, DeliveryFormats],
})
export class WebhookTargetsModule {}
