import { Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { DelayedError, Job } from 'bullmq';
import { RELAY_JOB } from '../outbox/outbox.service';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { DELIVER_JOB, DeliverJobData } from './delivery-jobs';
import { OutboxRelay, RelayResult } from './outbox-relay';
import { DELIVERY_SWEEP, EVENT_PURGE, RELAY_POLL } from './webhook-schedulers';
import { AttemptOutcome, WebhookSender } from './webhook-sender';

type OutboxResult = RelayResult | { requeued: number } | { deliveries: number; events: number };
type OutboxJob = Job<
  Record<string, never>,
  OutboxResult,
  typeof RELAY_JOB | typeof RELAY_POLL | typeof DELIVERY_SWEEP | typeof EVENT_PURGE
>;

/**
 * The `outbox` queue: `relay` (woken after a commit that emitted events),
 * `relay-poll` (the scheduler that bounds a lost wake-up to one poll period)
 * `delivery-sweep` (re-adds lost delivery jobs) and `event-purge` (retention). Two at a time, so a long
 * drain does not hold up the sweep; concurrent drains split the events
 * (SKIP LOCKED).
 */
@Processor(QueueName.outbox, { concurrency: 2 })
export class OutboxRelayProcessor extends ManagedWorkerHost {
  constructor(
    private readonly relay: OutboxRelay,
    private readonly config: AppConfig,
  ) {
    super();
  }

  async process(job: OutboxJob): Promise<OutboxResult> {
    switch (job.name) {
      case RELAY_JOB:
      case RELAY_POLL:
        return this.relay.drain();
      case DELIVERY_SWEEP: {
        const requeued = await this.relay.sweep();
        if (requeued) this.logger.log(`re-added ${requeued} overdue webhook deliveries`);
        return { requeued };
      }
      case EVENT_PURGE:
        return this.relay.purge(this.config.events.retentionDays);
      default: {
        const unknown: never = job.name;
        throw new Error(`no handler for outbox job ${String(unknown)}`);
      }
    }
  }
}

/** The `webhooks` queue: one job per delivery attempt. */
@Processor(QueueName.webhooks, { concurrency: 20 })
export class WebhookDeliveryProcessor extends ManagedWorkerHost {
  constructor(private readonly sender: WebhookSender) {
    super();
  }

  async process(job: Job<DeliverJobData, AttemptOutcome, typeof DELIVER_JOB>, token?: string): Promise<AttemptOutcome> {
    const outcome = await this.sender.attempt(job.data.deliveryId, job.data.attempt);
    if (outcome.kind === 'early' && token) {
      // Woke before PostgreSQL's next_attempt_at: sleep the difference under the same job id.
      await job.moveToDelayed(Date.now() + outcome.waitMs, token);
      throw new DelayedError();
    }
    return outcome;
  }
}
