import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { PostCommit } from '../common/post-commit';
import type { Db } from '../common/sql';
import { BatchPart, WriteBatch } from '../common/write-batch';
import { QueueName } from '../queues/queue-names';
import { EventType } from './event-types.port';
import type { OutboxConsumer, RelayedEvent } from './outbox-consumers.port';
import {
  eventsWithData,
  UnrelayedEvent,
  insertEventIn,
  insertEvents,
  lockUnrelayedEvents,
  markEventsRelayed,
  purgeRelayedEvents,
} from './outbox.repository';

export const RELAY_JOB = 'relay';

@Injectable()
export class OutboxService {
  private wakeInFlight: Promise<unknown> | null = null;
  private queuedWake: Promise<unknown> | null = null;
  private readonly consumers: OutboxConsumer[] = [];

  constructor(@InjectQueue(QueueName.outbox) private readonly queue: Queue) {}

  /**
   * Writes the event in the caller's transaction; after commit, wakes the
   * relay. If the wake-up is lost, the relay's periodic poll finds the event.
   */
  async emit(em: EntityManager, post: PostCommit, type: EventType, data: Record<string, unknown>): Promise<string> {
    const id = await WriteBatch.alone(em, (batch) => this.emitIn(batch, post, type, data));
    return id.value;
  }

  /** The same event as part of a batch of inserts; the id is known once the batch has run. */
  emitIn(batch: WriteBatch, post: PostCommit, type: EventType, data: Record<string, unknown>): BatchPart<string> {
    const id = insertEventIn(batch, { type, data });
    post.add(() => this.wake());
    return id;
  }

  /** Many events in one statement (the SLA engine raises alerts in batches). Returns their ids in order. */
  async emitMany(em: EntityManager, post: PostCommit, events: { type: EventType; data: Record<string, unknown> }[]): Promise<string[]> {
    if (!events.length) return [];
    const ids = await insertEvents(em, events);
    post.add(() => this.wake());
    return ids;
  }

  /**
   * For the relay (the webhooks module), in its transaction: up to `limit`
   * unrelayed events in order, locked (SKIP LOCKED: concurrent relays take
   * other events instead of waiting).
   */
  takeUnrelayed(em: Db, limit: number): Promise<UnrelayedEvent[]> {
    return lockUnrelayedEvents(em, limit);
  }

  /**
   * Adds a consumer the relay runs in its transaction (outbox-consumers.port.ts).
   * Call it from a provider's constructor: every constructor runs before any
   * BullMQ worker starts, so no event is relayed before the consumer is there.
   */
  addConsumer(consumer: OutboxConsumer): void {
    this.consumers.push(consumer);
  }

  /**
   * For the relay, in the transaction that took `events`: each consumer gets
   * the events of its types (with their data, read once); returns the work to
   * run after commit.
   */
  async consumeIn(em: EntityManager, events: { id: string; type: string }[]): Promise<(() => Promise<unknown>)[]> {
    const wanted = this.consumers.filter((c) => events.some((e) => c.types.includes(e.type as EventType)));
    if (!wanted.length) return [];
    const types = new Set(wanted.flatMap((c) => c.types as readonly string[]));
    const full = await eventsWithData(
      em,
      events.filter((e) => types.has(e.type)).map((e) => e.id),
    );
    const after: (() => Promise<unknown>)[] = [];
    for (const consumer of wanted) {
      const mine: RelayedEvent[] = full.filter((e) => consumer.types.includes(e.type));
      if (mine.length) after.push(...(await consumer.consumeIn(em, mine)));
    }
    return after;
  }

  /** For the relay, in the transaction that took them: these events are relayed. */
  markRelayed(em: Db, ids: string[]): Promise<void> {
    return markEventsRelayed(em, ids);
  }

  /** Retention: deletes up to `limit` events relayed more than `days` ago that no delivery refers to; how many. */
  purgeRelayed(db: Db, days: number, limit: number): Promise<number> {
    return purgeRelayedEvents(db, days, limit);
  }

  /**
   * One pending relay job at a time is enough: it drains everything unrelayed.
   * Under load the wake-ups are coalesced: while one is on its way to Redis,
   * later callers share the next one, which starts after it returns, so every
   * commit is still followed by a wake-up sent after it.
   */
  wake(): Promise<unknown> {
    if (this.queuedWake) return this.queuedWake;
    if (!this.wakeInFlight) {
      this.wakeInFlight = this.queue
        .add(RELAY_JOB, {}, { deduplication: { id: RELAY_JOB }, removeOnComplete: true, removeOnFail: 100 })
        .finally(() => (this.wakeInFlight = null));
      return this.wakeInFlight;
    }
    this.queuedWake = this.wakeInFlight
      .catch(() => undefined)
      .then(() => {
        this.queuedWake = null;
        return this.wake();
      });
    return this.queuedWake;
  }
}
