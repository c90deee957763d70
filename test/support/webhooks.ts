import type { Job, Queue } from 'bullmq';
import type { DeliverJobData } from '../../src/webhooks/delivery-jobs';
import type { Query } from './sla';
import { waitFor } from './wait';

/**
 * Waits until nothing more can reach these subscriptions' receivers: every
 * outbox event is relayed, every delivery of theirs is finished in
 * PostgreSQL (delivered or failed), and no job of theirs is left in the
 * `webhooks` queue, waiting, delayed or running (a delivery job is removed
 * when its attempt is over). What they were going to receive has arrived
 * afterwards, so a test can then count the hits and see no duplicate or late
 * retry, without guessing how long one would take.
 */
export async function waitForDeliveriesSettled(
  query: Query,
  webhooks: Queue,
  subscriptionIds: string[],
  timeoutMs = 15_000,
): Promise<void> {
  await waitFor(
    async () => {
      const [{ unrelayed }] = await query<{ unrelayed: number }>(
        `SELECT count(*)::int AS unrelayed FROM outbox_events WHERE relayed_at IS NULL`,
      );
      if (unrelayed) return false;
      const deliveries = await query<{ id: string; pending: boolean }>(
        `SELECT id, status = 'pending' AS pending FROM webhook_deliveries WHERE subscription_id = ANY($1::uuid[])`,
        [subscriptionIds],
      );
      if (deliveries.some((d) => d.pending)) return false;
      const ids = new Set(deliveries.map((d) => d.id));
      const jobs = (await webhooks.getJobs(['waiting', 'prioritized', 'delayed', 'active'])) as (Job<DeliverJobData> | undefined)[];
      return !jobs.some((j) => j && ids.has(j.data.deliveryId));
    },
    timeoutMs,
    `the deliveries of ${subscriptionIds.length} subscription(s) to settle`,
  );
}
