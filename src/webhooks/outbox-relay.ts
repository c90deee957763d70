import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource, EntityManager } from 'typeorm';
import type { EventType } from '../outbox/event-types.port';
import type { RenderedMessage } from './delivery-formats.port';
import { OutboxService } from '../outbox/outbox.service';
import { QueueName } from '../queues/queue-names';
import { enqueueDeliveries } from './delivery-jobs';
import { DeliveryFormats } from './delivery-formats.service';
import type { FormattedMatch } from './webhooks.repository';
import {
  formattedMatches,
  insertDeliveriesFor,
  insertFormattedDeliveries,
  overduePendingDeliveries,
  purgeFinishedDeliveries,
} from './webhooks.repository';

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
 * events instead of waiting), insert one delivery per (live, active
 * subscription wanting the type and passing its region and tier filters,
 * event) — ON CONFLICT DO NOTHING on the unique
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
    private readonly outbox: OutboxService,
    private readonly formats: DeliveryFormats,
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
        ).catch((err: unknown) => this.logger.warn({ err }, `could not enqueue ${batch.deliveryIds.length} deliveries; the sweep will`));
      }
      for (const work of batch.afterCommit) {
        await work().catch((err: unknown) =>
          this.logger.warn({ err }, 'post-commit work of an outbox consumer failed; its sweep will redo it'),
        );
      }
      if (batch.events < RELAY_BATCH) return total;
    }
  }

  private relayBatch(): Promise<{ events: number; deliveryIds: string[]; afterCommit: (() => Promise<unknown>)[] }> {
    return this.dataSource.transaction(async (em) => {
      const events = await this.outbox.takeUnrelayed(em, RELAY_BATCH);
      if (!events.length) return { events: 0, deliveryIds: [], afterCommit: [] };
      const ids = events.map((e) => e.id);
      const inserted = [...(await insertDeliveriesFor(em, events)), ...(await this.formattedDeliveriesIn(em, events))];
      // The system's own consumers (the notification pipeline) in the same transaction: exactly once per event.
      const afterCommit = await this.outbox.consumeIn(em, events);
      await this.outbox.markRelayed(em, ids);
      // Jobs are added in event order.
      const position = new Map(ids.map((id, i) => [id, i]));
      inserted.sort((a, b) => position.get(a.eventId)! - position.get(b.eventId)!);
      return { events: events.length, deliveryIds: inserted.map((r) => r.id), afterCommit };
    });
  }

  /**
   * The deliveries of formatted subscriptions (delivery-formats.port.ts):
   * the same matching, then each (event, format) rendered once, and one
   * delivery per message whose type the subscription chose, its body stored.
   */
  private async formattedDeliveriesIn(em: EntityManager, events: { id: string }[]): Promise<{ id: string; eventId: string }[]> {
    const formats = this.formats.all();
    const matches = await formattedMatches(em, events, formats);
    if (!matches.length) return [];
    const rendered = new Map<string, RenderedMessage[]>();
    const deliveries: { subscriptionId: string; eventId: string; type: string; payload: Record<string, unknown> }[] = [];
    for (const m of matches) {
      const key = `${m.format}|${m.eventId}`;
      let messages = rendered.get(key);
      if (!messages) {
        messages = await this.render(em, m);
        rendered.set(key, messages);
      }
      for (const message of messages) {
        if (m.events.includes(message.type)) {
          deliveries.push({ subscriptionId: m.subscriptionId, eventId: m.eventId, type: message.type, payload: message.body });
        }
      }
    }
    return insertFormattedDeliveries(em, deliveries);
  }

  private render(em: EntityManager, m: FormattedMatch): Promise<RenderedMessage[]> {
    const format = this.formats.get(m.format);
    // A subscription of a format this process does not know (a newer release wrote it): nothing to send from here.
    if (!format) return Promise.resolve([]);
    return format.render(em, { id: m.eventId, type: m.type as EventType, occurredAt: m.occurredAt, data: m.data });
  }

  /**
   * Re-adds the job of every pending delivery that is overdue by more than
   * SWEEP_GRACE_MS. Its id is deterministic (delivery, next attempt): while
   * the job still exists in Redis the add is a no-op, and if a stale job
   * runs anyway the claim in PostgreSQL turns it away. So a flushed Redis or
   * a killed worker delays a delivery, never drops or duplicates it.
   */
  async sweep(): Promise<number> {
    const due = await overduePendingDeliveries(this.dataSource, SWEEP_GRACE_MS / 1000, SWEEP_LIMIT);
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
    const deliveries = await purgeFinishedDeliveries(this.dataSource, retentionDays, batch);
    const events = await this.outbox.purgeRelayed(this.dataSource, retentionDays, batch);
    return { deliveries, events };
  }
}
