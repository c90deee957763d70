import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { clamp } from '../../common/clamp';
import { AppConfig } from '../../config/app-config';
import { ManagedWorkerHost } from '../../queues/managed-worker-host';
import { QueueName } from '../../queues/queue-names';
import { ChannelTransports } from '../channels/channel-transports.service';
import { expireLeases, overdueDigests, purgeFinished, recordReceipt } from './delivery-log.repository';
import { DigestSender, SendOutcomeKind } from './digest-sender';
import { NOTIFY_PURGE_JOB, NOTIFY_SWEEP_JOB, SEND_DIGEST_JOB, SendDigestJobData, enqueueDigests } from './notification-jobs';

/** A due digest this long overdue may have lost its job (Redis flushed, worker killed): the sweep re-adds it. */
export const NOTIFY_SWEEP_GRACE_MS = 2_000;
const SWEEP_LIMIT = 1_000;

type SweepResult = { inDoubt: number; requeued: number };
type NotificationJob =
  | Job<SendDigestJobData, SendOutcomeKind, typeof SEND_DIGEST_JOB>
  | Job<Record<string, never>, SweepResult, typeof NOTIFY_SWEEP_JOB>
  | Job<Record<string, never>, { purged: number }, typeof NOTIFY_PURGE_JOB>;

/**
 * The `notifications` queue: one `send-digest` job per attempt of a digest,
 * and the `notify-sweep` scheduler that makes PostgreSQL, not Redis, the
 * truth: it counts attempts whose lease ran out as in doubt and schedules the
 * next, and re-adds the job of every digest due for longer than the grace;
 * `notify-purge` (hourly) deletes finished messages after EVENT_RETENTION_DAYS.
 * Rate limits are kept per channel key in the claim (DigestSender), across
 * every worker process, so the concurrency here only bounds sends in flight.
 */
@Processor(QueueName.notifications, { concurrency: 20 })
export class NotificationProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    private readonly sender: DigestSender,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.notifications) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, NOTIFY_SWEEP_JOB, clamp(5 * this.config.events.outboxPollMs, 1_000, 5_000));
    this.keepScheduled(this.queue, NOTIFY_PURGE_JOB, 3_600_000);
  }

  async process(job: NotificationJob, token?: string): Promise<SendOutcomeKind | SweepResult | { purged: number }> {
    switch (job.name) {
      case SEND_DIGEST_JOB: {
        const data = job.data;
        const outcome = await this.sender.attempt(data.digestId, data.attempt);
        if (outcome.kind === 'early' && token) {
          // A window, a backoff or a rate limit: sleep under the same job id (a second add stays a no-op).
          await job.moveToDelayed(Date.now() + outcome.waitMs, token);
          throw new DelayedError();
        }
        return outcome;
      }
      case NOTIFY_SWEEP_JOB:
        return this.sweep();
      case NOTIFY_PURGE_JOB:
        return { purged: await purgeFinished(this.dataSource.manager, this.config.events.retentionDays, 10_000) };
      default: {
        const unknown: never = job;
        throw new Error(`no handler for notifications job ${String((unknown as Job).name)}`);
      }
    }
  }

  async sweep(): Promise<SweepResult> {
    const inDoubt = await this.dataSource.transaction((em) => expireLeases(em, SWEEP_LIMIT));
    if (inDoubt.length) this.logger.warn(`${inDoubt.length} notification attempts are in doubt (their worker was lost mid-send)`);
    const due = await overdueDigests(this.dataSource.manager, NOTIFY_SWEEP_GRACE_MS, SWEEP_LIMIT);
    if (due.length)
      await enqueueDigests(
        this.queue,
        due.map((d) => ({ data: { digestId: d.id, attempt: d.attempts + 1 } })),
      );
    return { inDoubt: inDoubt.length, requeued: due.length };
  }
}

/**
 * Records SMS delivery receipts (docs/ARCHITECTURE.md, "Notification
 * pipeline"): kept by segment id and applied to the message that sent the
 * segment, now or when its send is recorded. Registered in the constructor,
 * so it is there before the SMPP session binds at worker start; if
 * PostgreSQL refuses, the handler throws and the SMSC sends the receipt again.
 */
@Injectable()
export class SmsReceiptRecorder {
  constructor(transports: ChannelTransports, @InjectDataSource() dataSource: DataSource) {
    transports.onSmsReceipt(async (receipt) => {
      await recordReceipt(dataSource.manager, {
        messageId: receipt.messageId,
        status: receipt.status,
        stat: receipt.stat,
        at: receipt.doneAt ?? new Date(),
      });
    });
  }
}
