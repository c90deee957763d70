import type { Queue } from 'bullmq';
import { type AttemptJob, addAttemptJobs, attemptJob } from '../../queues/attempt-jobs';

/** One attempt of one digest (a message to one recipient on one channel). */
export const SEND_DIGEST_JOB = 'send-digest';
/** Re-adds lost jobs of due digests and counts attempts whose worker died as in doubt. */
export const NOTIFY_SWEEP_JOB = 'notify-sweep';
/** Retention: finished messages and their deliveries after EVENT_RETENTION_DAYS (hourly). */
export const NOTIFY_PURGE_JOB = 'notify-purge';

export interface SendDigestJobData {
  digestId: string;
  /** The attempt this job is for (1-based); the claim in PostgreSQL accepts only the next one. */
  attempt: number;
}

/**
 * One attempt of a digest (src/queues/attempt-jobs.ts, as the webhooks'
 * deliveries): retries are driven by PostgreSQL
 * (notification_digests.next_attempt_at), not by BullMQ.
 */
export function sendDigestJob(data: SendDigestJobData, delayMs = 0): AttemptJob<typeof SEND_DIGEST_JOB, SendDigestJobData> {
  return attemptJob(SEND_DIGEST_JOB, data, `ntf-${data.digestId}-a${data.attempt}`, delayMs);
}

export function enqueueDigests(queue: Queue, jobs: { data: SendDigestJobData; delayMs?: number }[]): Promise<void> {
  return addAttemptJobs(
    queue,
    jobs.map((j) => sendDigestJob(j.data, j.delayMs)),
  );
}
