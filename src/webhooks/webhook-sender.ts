import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { enqueueDeliveries } from './delivery-jobs';
import { retryDelayMs } from '../common/retry-delay';
import { deliveryHeaders, isSuccess, serializeEnvelope, unixSeconds } from './delivery-protocol';
import { WebhookTargets } from './webhook-targets.service';
import {
  claimAttempt,
  deliveryStanding,
  failDeliveryOfClosedSubscription,
  failUnansweredDelivery,
  insertAttempt,
  markDelivered,
  markFailed,
  scheduleRetry,
} from './webhooks.repository';

/** How long past the HTTP timeout a claimed attempt is protected from the sweep (DNS, database writes). */
export const CLAIM_LEASE_MARGIN_MS = 30_000;
const MAX_ERROR_LENGTH = 500;

export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; delayMs: number; error: string }
  | { kind: 'failed'; error: string }
  /** Not this job's turn: the attempt was claimed already, the delivery is settled, or the job is stale. */
  | { kind: 'skipped'; why: string }
  /** The job woke before next_attempt_at (clock skew between this host and PostgreSQL): wait that long. */
  | { kind: 'early'; waitMs: number };

/**
 * One delivery attempt (worker only).
 *
 * Claim scheme: a job carries (deliveryId, attempt). Before sending, one
 * autocommit UPDATE claims that attempt:
 *   attempts = attempts + 1, next_attempt_at = now() + lease
 *   WHERE id = <the delivery> AND status = 'pending' AND attempts = attempt - 1
 *     AND next_attempt_at <= now() AND the subscription is live and active.
 * Only one worker can move `attempts` from n-1 to n, so a duplicated or stale
 * job (a sweep re-add, a second worker) finds nothing to claim and does
 * nothing. The lease keeps the sweep away while the attempt runs; if the
 * worker dies mid-attempt, the lease expires and the sweep re-adds attempt
 * n+1 (at-least-once: the receiver de-duplicates on X-FocusOne-Delivery).
 *
 * After the HTTP call, one transaction records the attempt row and settles
 * the delivery: 2xx → delivered; otherwise, below the maximum, next_attempt_at
 * = now() + backoff and (after commit) the job for attempt n+1 is added with
 * that delay; at the maximum → failed. The failure updates are guarded by
 * `attempts = n`, so a late answer can never overwrite a newer attempt.
 */
@Injectable()
export class WebhookSender {
  private readonly logger = new Logger(WebhookSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.webhooks) private readonly webhooks: Queue,
    private readonly config: AppConfig,
    private readonly targets: WebhookTargets,
  ) {}

  async attempt(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
    const { webhookMaxAttempts: maxAttempts, webhookTimeoutMs: timeoutMs } = this.config.events;
    if (attempt > maxAttempts) {
      // Only reached through the sweep when a worker died during the last allowed attempt.
      await failUnansweredDelivery(this.dataSource, deliveryId, attempt - 1);
      return { kind: 'failed', error: 'attempts exhausted' };
    }

    const claimed = await claimAttempt(this.dataSource, deliveryId, attempt, (timeoutMs + CLAIM_LEASE_MARGIN_MS) / 1000);
    if (!claimed) return this.notClaimed(deliveryId, attempt);

    // A formatted subscription's message was rendered by the relay (delivery-formats.port.ts): its bytes as stored.
    const body = claimed.payload
      ? Buffer.from(JSON.stringify(claimed.payload), 'utf8')
      : serializeEnvelope({
          id: claimed.eventId,
          type: claimed.eventType,
          occurredAt: claimed.occurredAt.toISOString(),
          data: claimed.data,
        });
    // Signed now, for this attempt: a retry carries a fresh timestamp, and the secrets valid when it is sent.
    const headers = deliveryHeaders({
      type: claimed.payload ? claimed.deliveryType : claimed.eventType,
      deliveryId: claimed.deliveryId,
      body,
      secrets: { current: claimed.secret, previous: claimed.previousSecret },
      timestamp: unixSeconds(),
    });

    const startedAt = new Date();
    const t0 = performance.now();
    const signal = AbortSignal.timeout(timeoutMs);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      // Checked again right before sending (the name may point somewhere private by now), and sent to the address checked.
      const sent = await this.targets.post(claimed.url, { headers, body, signal });
      if (sent.kind === 'refused') {
        error = `refused: ${sent.reason}`;
      } else {
        statusCode = sent.statusCode;
        if (!isSuccess(statusCode)) {
          error = statusCode >= 300 && statusCode < 400 ? `HTTP ${statusCode} (redirects are not followed)` : `HTTP ${statusCode}`;
        }
      }
    } catch (err) {
      error = describeError(err, signal, timeoutMs);
    }
    const durationMs = Math.round(performance.now() - t0);
    return this.settle(claimed.deliveryId, attempt, maxAttempts, {
      startedAt,
      durationMs,
      statusCode,
      error: error?.slice(0, MAX_ERROR_LENGTH) ?? null,
    });
  }

  private async notClaimed(deliveryId: string, attempt: number): Promise<AttemptOutcome> {
    const row = await deliveryStanding(this.dataSource, deliveryId);
    if (!row) return { kind: 'skipped', why: 'no such delivery' };
    if (row.status !== 'pending' || row.attempts !== attempt - 1)
      return { kind: 'skipped', why: `attempt ${attempt} is not next (${row.status}, ${row.attempts} made)` };
    if (row.subscriptionClosed) {
      // Created by a relay that raced the delete or deactivation: it ends like the other pending ones did.
      await failDeliveryOfClosedSubscription(this.dataSource, deliveryId, row.subscriptionClosed);
      return { kind: 'skipped', why: row.subscriptionClosed };
    }
    if (row.waitMs > 0) return { kind: 'early', waitMs: row.waitMs };
    return { kind: 'skipped', why: 'claimed concurrently' };
  }

  private async settle(
    deliveryId: string,
    attempt: number,
    maxAttempts: number,
    result: { startedAt: Date; durationMs: number; statusCode: number | null; error: string | null },
  ): Promise<AttemptOutcome> {
    const delivered = result.error === null && result.statusCode !== null;
    const delayMs = retryDelayMs(attempt, this.config.events.webhookRetryBaseMs);
    const outcome = await this.dataSource.transaction(async (em): Promise<AttemptOutcome> => {
      await insertAttempt(em, { deliveryId, attempt, ...result });
      if (delivered) {
        // Even if the subscription was deleted meanwhile: the receiver has it, so the record says so.
        await markDelivered(em, deliveryId, result.statusCode!);
        return { kind: 'delivered', statusCode: result.statusCode! };
      }
      const error = result.error ?? 'no answer';
      if (attempt < maxAttempts) {
        const scheduled = await scheduleRetry(em, deliveryId, attempt, delayMs / 1000, { statusCode: result.statusCode, error });
        return scheduled ? { kind: 'retry', delayMs, error } : { kind: 'skipped', why: 'settled meanwhile' };
      }
      await markFailed(em, deliveryId, attempt, { statusCode: result.statusCode, error });
      return { kind: 'failed', error };
    });
    if (outcome.kind === 'retry') {
      // After commit. If this add is lost, the sweep adds the same job once next_attempt_at has passed.
      await enqueueDeliveries(this.webhooks, [{ data: { deliveryId, attempt: attempt + 1 }, delayMs }]).catch((err: unknown) =>
        this.logger.warn({ err, deliveryId }, 'could not enqueue the next attempt; the sweep will'),
      );
    }
    return outcome;
  }
}

function describeError(err: unknown, signal: AbortSignal, timeoutMs: number): string {
  if (signal.aborted) return `timeout after ${timeoutMs} ms`;
  const e = err as { message?: string; cause?: { code?: string; message?: string } };
  const cause = e.cause?.code ?? e.cause?.message;
  return cause ? `${e.message ?? 'request failed'}: ${cause}` : (e.message ?? String(err));
}
