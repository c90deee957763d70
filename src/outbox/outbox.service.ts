import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { EntityManager } from 'typeorm';
import { PostCommit } from '../common/post-commit';
import { QueueName } from '../queues/queue-names';
import { EventType } from './event-types';
import { OutboxEvent } from './outbox-event.entity';

export const RELAY_JOB = 'relay';

@Injectable()
export class OutboxService {
  constructor(@InjectQueue(QueueName.outbox) private readonly queue: Queue) {}

  /**
   * Writes the event in the caller's transaction; after commit, wakes the
   * relay. If the wake-up is lost, the relay's periodic poll finds the event.
   */
  async emit(em: EntityManager, post: PostCommit, type: EventType, data: Record<string, unknown>): Promise<string> {
    const { identifiers } = await em.insert(OutboxEvent, { type, data: data as never });
    post.add(() => this.wake());
    return identifiers[0].id as string;
  }

  /** Many events in one statement (the SLA engine raises alerts in batches). Returns their ids in order. */
  async emitMany(em: EntityManager, post: PostCommit, events: { type: EventType; data: Record<string, unknown> }[]): Promise<string[]> {
    if (!events.length) return [];
    const rows: { id: string }[] = await em.query(
      `INSERT INTO outbox_events (type, data) SELECT * FROM unnest($1::text[], $2::jsonb[]) RETURNING id`,
      [events.map((e) => e.type), events.map((e) => JSON.stringify(e.data))],
    );
    post.add(() => this.wake());
    return rows.map((r) => r.id);
  }

  /** One pending relay job at a time is enough: it drains everything unrelayed. */
  wake(): Promise<unknown> {
    return this.queue.add(RELAY_JOB, {}, { deduplication: { id: RELAY_JOB }, removeOnComplete: true, removeOnFail: 100 });
  }
}
