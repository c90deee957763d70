import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnModuleDestroy } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { keepScheduled } from './job-schedules';

/**
 * Base of every processor. Worker errors (Redis gone, a job's keys flushed
 * under it) and failed jobs go to the JSON log instead of BullMQ's bare
 * console output; repeatable jobs declared with `keepScheduled` are kept
 * alive across a Redis flush and stopped when the module shuts down.
 */
export abstract class ManagedWorkerHost extends WorkerHost implements OnModuleDestroy {
  protected readonly logger = new Logger(this.constructor.name);
  private readonly keepers: (() => void)[] = [];

  /** Keeps a job scheduler on `queue` running every `everyMs` (see SchedulerKeeper). */
  protected keepScheduled(queue: Queue, id: string, everyMs: number): void {
    this.keepers.push(keepScheduled(queue, { id, every: everyMs }, this.logger));
  }

  /** Keeps a job scheduler on `queue` running at the times of a cron pattern in a time zone (a daily job at a fixed China time). */
  protected keepScheduledAt(queue: Queue, id: string, at: { pattern: string; tz: string }): void {
    this.keepers.push(keepScheduled(queue, { id, ...at }, this.logger));
  }

  onModuleDestroy(): void {
    for (const stop of this.keepers.splice(0)) stop();
  }

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.error({ err }, `worker error: ${err.message}`);
  }

  @OnWorkerEvent('failed')
  onJobFailed(job: Job | undefined, err: Error): void {
    this.logger.warn({ err, jobId: job?.id, job: job?.name, attempts: job?.attemptsMade }, `job failed: ${err.message}`);
  }
}
