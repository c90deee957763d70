import type { JobsOptions, Queue } from 'bullmq';

/** A job ready for Queue.add / addBulk. */
export interface AttemptJob<N extends string, D> {
  name: N;
  data: D;
  opts: JobsOptions;
}

/**
 * One attempt of a delivery whose retries PostgreSQL drives (webhook
 * deliveries, notification digests: the row's next_attempt_at), not BullMQ:
 * one job per attempt under a deterministic id, never retried by BullMQ,
 * removed when done, so adding it again while it waits is a no-op and the
 * sweep can re-add it once it is gone.
 */
export function attemptJob<N extends string, D>(name: N, data: D, jobId: string, delayMs = 0): AttemptJob<N, D> {
  return {
    name,
    data,
    opts: { jobId, delay: Math.max(0, Math.round(delayMs)), attempts: 1, removeOnComplete: true, removeOnFail: true },
  };
}

/** At most this many jobs per addBulk (one Redis MULTI each), so a large backlog never builds one huge transaction. */
export const ADD_BULK_CHUNK = 500;

/** Adds the jobs with addBulk, ADD_BULK_CHUNK at a time, in order. */
export async function addAttemptJobs(queue: Pick<Queue, 'addBulk'>, jobs: AttemptJob<string, unknown>[]): Promise<void> {
  for (let i = 0; i < jobs.length; i += ADD_BULK_CHUNK) await queue.addBulk(jobs.slice(i, i + ADD_BULK_CHUNK));
}
