import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { clamp } from '../common/clamp';
import { AppConfig } from '../config/app-config';
import { SchedulerKeeper } from '../queues/job-schedules';
import { QueueName } from '../queues/queue-names';

export const RELAY_POLL = 'relay-poll';
export const DELIVERY_SWEEP = 'delivery-sweep';
export const EVENT_PURGE = 'event-purge';

/**
 * Keeps the three job schedulers of the outbox queue alive (worker only); see
 * SchedulerKeeper for why a timer re-checks them.
 */
@Injectable()
export class WebhookSchedulers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly keeper: SchedulerKeeper;

  constructor(
    @InjectQueue(QueueName.outbox) outbox: Queue,
    private readonly config: AppConfig,
  ) {
    this.keeper = new SchedulerKeeper(outbox, this.schedules, new Logger(WebhookSchedulers.name), this.checkEveryMs);
  }

  /** What each scheduler should be: the relay poll every OUTBOX_POLL_MS, the sweep 1-5 s, retention hourly. */
  get schedules(): { id: typeof RELAY_POLL | typeof DELIVERY_SWEEP | typeof EVENT_PURGE; every: number }[] {
    const poll = this.config.events.outboxPollMs;
    return [
      { id: RELAY_POLL, every: poll },
      { id: DELIVERY_SWEEP, every: clamp(5 * poll, 1_000, 5_000) },
      { id: EVENT_PURGE, every: 3_600_000 },
    ];
  }

  /** How often the timer checks: 5 poll periods, 1-30 s. */
  get checkEveryMs(): number {
    return clamp(5 * this.config.events.outboxPollMs, 1_000, 30_000);
  }

  onApplicationBootstrap(): void {
    this.keeper.start();
  }

  onApplicationShutdown(): void {
    this.keeper.stop();
  }

  ensure(force = false): Promise<string[]> {
    return this.keeper.ensure(force);
  }
}
