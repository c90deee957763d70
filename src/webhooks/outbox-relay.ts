import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { QueueName } from '../queues/queue-names';
import { enqueueDeliveries } from './delivery-jobs';

/** Events taken per transaction. */
export const RELAY_BATCH = 500;
/** A pending delivery this long overdue may have lost its job (Redis flushed, worker killed): the sweep re-adds it. */
export const SWEEP_GRACE_MS = 2_000;
/** Deliveries re-added per sweep run (the next run takes the rest). */
export const SWEEP_LIMIT = 1_000;

export interface RelayResult {
  events: number;
  deliveries: number;
}

/**
 * Moves committed outbox events to webhook deliveries (worker only).
 *
 * Each batch is one transaction: lock up to RELAY_BATCH unrelayed events in
 * order (FOR UPDATE SKIP LOCKED, so relays in other processes take other
 * events instead of waiting), insert one delivery per (live subscription
 * wanting the type, event) — ON CONFLICT DO NOTHING on the unique
 * (subscription_id, event_id), so even two relays holding the same event
 * could not create a delivery twice — mark the events relayed, commit, and
 * only then add one BullMQ job per new delivery. A crash between the commit
 * and the adds loses nothing: the sweep finds the pending deliveries.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.webhooks) private readonly webhooks: Queue,
  ) {}

  /** Relays until nothing unrelayed (and unlocked by another relay) is left. */
  async drain(): Promise<RelayResult> {
    const total: RelayResult = { events: 0, deliveries: 0 };
    for (;;) {
      const batch = await this.relayBatch();
      total.events += batch.events;
      total.deliveries += batch.deliveryIds.length;
      if (batch.deliveryIds.length) {
        await enqueueDeliveries(
          this.webhooks,
          batch.deliveryIds.map((deliveryId) => ({ data: { deliveryId, attempt: 1 } })),
        ).catch((err) => this.logger.warn({ err }, `could not enqueue ${batch.deliveryIds.length} deliveries; the sweep will`));
      }
      if (batch.events < RELAY_BATCH) return total;
    }
  }

  private relayBatch(): Promise<{ events: number; deliveryIds: string[] }> {
    return this.dataSource.transaction(async (em) => {
      const events: { id: string; type: string }[] = await em.query(
        `SELECT id, type FROM outbox_events WHERE relayed_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [RELAY_BATCH],
      );
      if (!events.length) return { events: 0, deliveryIds: [] };
      const ids = events.map((e) => e.id);
      // FOR SHARE: a subscription being deleted right now waits for this batch to commit, and its
      // delete then fails the deliveries created here instead of leaving them pending.
      const inserted: { id: string; event_id: string }[] = await em.query(
        `WITH subs AS (SELECT id, events FROM webhook_subscriptions WHERE deleted_at IS NULL FOR SHARE),
              ev AS (SELECT * FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS e(id, type, n))
         INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status)
         SELECT s.id, ev.id, ev.type, 'pending' FROM ev JOIN subs s ON ev.type = ANY (s.events)
          ORDER BY ev.n, s.id
         ON CONFLICT (subscription_id, event_id) DO NOTHING
         RETURNING id, event_id`,
        [ids, events.map((e) => e.type)],
      );
      await em.query(`UPDATE outbox_events SET relayed_at = now() WHERE id = ANY ($1::uuid[])`, [ids]);
      // Jobs are added in event order.
      const position = new Map(ids.map((id, i) => [id, i]));
      inserted.sort((a, b) => position.get(a.event_id)! - position.get(b.event_id)!);
      return { events: events.length, deliveryIds: inserted.map((r) => r.id) };
    });
  }

  /**
   * Re-adds the job of every pending delivery that is overdue by more than
   * SWEEP_GRACE_MS. Its id is deterministic (delivery, next attempt): while
   * the job still exists in Redis the add is a no-op, and if a stale job
   * runs anyway the claim in PostgreSQL turns it away. So a flushed Redis or
   * a killed worker delays a delivery, never drops or duplicates it.
   */
  async sweep(): Promise<number> {
    const due: { id: string; attempts: number }[] = await this.dataSource.query(
      `SELECT id, attempts FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => $1)
        ORDER BY next_attempt_at LIMIT $2`,
      [SWEEP_GRACE_MS / 1000, SWEEP_LIMIT],
    );
    if (due.length)
      await enqueueDeliveries(
        this.webhooks,
        due.map((d) => ({ data: { deliveryId: d.id, attempt: d.attempts + 1 } })),
      );
    return due.length;
  }

  /**
   * Retention: finished deliveries (delivered or failed) with their attempts,
   * then relayed events no delivery refers to any more, older than
   * `retentionDays`. In bounded batches, so one run never holds long locks.
   */
  async purge(retentionDays: number, batch = 10_000): Promise<{ deliveries: number; events: number }> {
    const [, deliveries] = await this.dataSource.query(
      `WITH old AS (
         SELECT id FROM webhook_deliveries
          WHERE status IN ('delivered', 'failed') AND created_at < now() - make_interval(days => $1) LIMIT $2
       ), attempts AS (
         DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM old)
       )
       DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM old)`,
      [retentionDays, batch],
    );
    const [, events] = await this.dataSource.query(
      `DELETE FROM outbox_events WHERE id IN (
         SELECT e.id FROM outbox_events e
          WHERE e.relayed_at < now() - make_interval(days => $1)
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
          LIMIT $2)`,
      [retentionDays, batch],
    );
    return { deliveries: Number(deliveries ?? 0), events: Number(events ?? 0) };
  }
}
