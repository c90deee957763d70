import type { Queue } from 'bullmq';
import { type AttemptJob, addAttemptJobs, attemptJob } from '../queues/attempt-jobs';
import { deliveryJobId } from './delivery-protocol';

/** The one job name on the `webhooks` queue. */
export const DELIVER_JOB = 'deliver';

export interface DeliverJobData {
  deliveryId: string;
  /** The attempt this job is for (1-based); the claim in PostgreSQL only accepts the next one. */
  attempt: number;
}

/**
 * One attempt of a delivery (src/queues/attempt-jobs.ts): retries are driven
 * by PostgreSQL (webhook_deliveries.next_attempt_at), not by BullMQ.
 */
export function deliverJob(data: DeliverJobData, delayMs = 0): AttemptJob<typeof DELIVER_JOB, DeliverJobData> {
  return attemptJob(DELIVER_JOB, data, deliveryJobId(data.deliveryId, data.attempt), delayMs);
}

export function enqueueDeliveries(queue: Queue, jobs: { data: DeliverJobData; delayMs?: number }[]): Promise<void> {
  return addAttemptJobs(
    queue,
    jobs.map((j) => deliverJob(j.data, j.delayMs)),
  );
}
