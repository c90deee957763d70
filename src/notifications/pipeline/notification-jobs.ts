import type { JobsOptions, Queue } from 'bullmq';

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
 * Like the webhooks' deliveries (src/webhooks/delivery-jobs.ts): retries are
 * driven by PostgreSQL (notification_digests.next_attempt_at), one job per
 * attempt with a deterministic id, never retried by BullMQ, removed when done,
 * so adding it again while it waits is a no-op and the sweep can re-add it
 * once it is gone.
 */
export function sendDigestJob(
  data: SendDigestJobData,
  delayMs = 0,
): { name: typeof SEND_DIGEST_JOB; data: SendDigestJobData; opts: JobsOptions } {
  return {
    name: SEND_DIGEST_JOB,
    data,
    opts: {
      jobId: `ntf-${data.digestId}-a${data.attempt}`,
      delay: Math.max(0, Math.round(delayMs)),
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    },
  };
}

export async function enqueueDigests(queue: Queue, jobs: { data: SendDigestJobData; delayMs?: number }[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < jobs.length; i += CHUNK) {
    await queue.addBulk(jobs.slice(i, i + CHUNK).map((j) => sendDigestJob(j.data, j.delayMs)));
  }
}
