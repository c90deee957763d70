import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import type { Job } from 'bullmq';

/**
 * Base of every processor: worker errors (Redis gone, a job's keys flushed
 * under it) and failed jobs go to the JSON log instead of BullMQ's bare
 * console output. The sweeps repair what they leave behind.
 */
export abstract class LoggedWorkerHost extends WorkerHost {
  protected readonly logger = new Logger(this.constructor.name);

  @OnWorkerEvent('error')
  onWorkerError(err: Error): void {
    this.logger.error({ err }, `worker error: ${err.message}`);
  }

  @OnWorkerEvent('failed')
  onJobFailed(job: Job | undefined, err: Error): void {
    this.logger.warn({ err, jobId: job?.id, job: job?.name, attempts: job?.attemptsMade }, `job failed: ${err.message}`);
  }
}
