import { InjectQueue, Processor } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DelayedError, Job, Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { clamp } from '../../common/clamp';
import { AppConfig } from '../../config/app-config';
import { ManagedWorkerHost } from '../../queues/managed-worker-host';
import { QueueName } from '../../queues/queue-names';
import { ChannelTransports } from '../channels/channel-transports.service';
import { expireLeases, overdueDigests, recordReceipt } from './delivery-log.repository';
import { DigestSender, SendOutcomeKind } from './digest-sender';
import { NOTIFY_SWEEP_JOB, SEND_DIGEST_JOB, SendDigestJobData, enqueueDigests } from './notification-jobs';

/** A due digest this long overdue may have lost its job (Redis flushed, worker killed): the sweep re-adds it. */
export const NOTIFY_SWEEP_GRACE_MS = 2_000;
const SWEEP_LIMIT = 1_000;
/** How many times an SMS receipt for a message not yet recorded is refused (the SMSC sends it again) before it is dropped. */
const UNKNOWN_RECEIPT_RETRIES = 50;

type SweepResult = { inDoubt: number; requeued: number };
type NotificationJob =
  Job<SendDigestJobData, SendOutcomeKind, typeof SEND_DIGEST_JOB> | Job<Record<string, never>, SweepResult, typeof NOTIFY_SWEEP_JOB>;

/**
 * The `notifications` queue: one `send-digest` job per attempt of a digest,
 * and the `notify-sweep` scheduler that makes PostgreSQL, not Redis, the
 * truth: it counts attempts whose lease ran out as in doubt and schedules the
 * next, and re-adds the job of every digest due for longer than the grace.
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
  }

  async process(job: NotificationJob, token?: string): Promise<SendOutcomeKind | SweepResult> {
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
 * Records SMS delivery receipts on the digests they belong to (by the
 * segments' message ids). Registered in the constructor, so it is there
 * before the SMPP session binds at worker start; if PostgreSQL refuses, the
 * handler throws and the SMSC sends the receipt again.
 */
@Injectable()
export class SmsReceiptRecorder {
  private readonly logger = new Logger(SmsReceiptRecorder.name);
  private readonly unknown = new Map<string, number>();

  constructor(transports: ChannelTransports, @InjectDataSource() dataSource: DataSource) {
    transports.onSmsReceipt(async (receipt) => {
      const found = await recordReceipt(dataSource.manager, receipt.messageId, receipt.status, receipt.doneAt ?? new Date());
      if (found) return void this.unknown.delete(receipt.messageId);
      // The SMSC may answer a submit and send its receipt before the sender has recorded the message ids: have it
      // sent again a while; a receipt still unknown after that (an attempt in doubt) is only logged.
      const seen = (this.unknown.get(receipt.messageId) ?? 0) + 1;
      if (seen <= UNKNOWN_RECEIPT_RETRIES) {
        this.unknown.set(receipt.messageId, seen);
        throw new Error(`SMS receipt for message ${receipt.messageId} before its send is recorded`);
      }
      this.unknown.delete(receipt.messageId);
      this.logger.warn(`SMS receipt for unknown message ${receipt.messageId} (${receipt.stat})`);
    });
  }
}
