import type { JobsOptions, Queue } from 'bullmq';
import { deliveryJobId } from './delivery-protocol';

/** The one job name on the `webhooks` queue. */
export const DELIVER_JOB = 'deliver';

export interface DeliverJobData {
  deliveryId: string;
  /** The attempt this job is for (1-based); the claim in PostgreSQL only accepts the next one. */
  attempt: number;
}

/**
 * Retries are driven by PostgreSQL (webhook_deliveries.next_attempt_at), not
 * by BullMQ: one job per attempt, never retried by BullMQ itself, removed when
 * done, so the deterministic id is free again for the sweep to re-add if the
 * job is ever lost. While the job exists, adding it again is a no-op.
 */
export function deliverJob(data: DeliverJobData, delayMs = 0): { name: typeof DELIVER_JOB; data: DeliverJobData; opts: JobsOptions } {
  return {
    name: DELIVER_JOB,
    data,
    opts: {
      jobId: deliveryJobId(data.deliveryId, data.attempt),
      delay: Math.max(0, Math.round(delayMs)),
      attempts: 1,
      removeOnComplete: true,
      removeOnFail: true,
    },
  };
}

export async function enqueueDeliveries(queue: Queue, jobs: { data: DeliverJobData; delayMs?: number }[]): Promise<void> {
  const CHUNK = 500;
  for (let i = 0; i < jobs.length; i += CHUNK) {
    await queue.addBulk(jobs.slice(i, i + CHUNK).map((j) => deliverJob(j.data, j.delayMs)));
  }
}
