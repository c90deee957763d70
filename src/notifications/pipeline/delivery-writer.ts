import type { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { MessageChannel } from '../notifications.port';
import type { NewDelivery } from './delivery-log.repository';
import { insertDeliveries, openDigests } from './delivery-log.repository';
import { enqueueDigests } from './notification-jobs';

/**
 * The tail both outbox consumers share (AlertFanOut, CustomerNotices), in the
 * relay's transaction: each pending row joined to the open digest of its
 * recipient and channel (opened where there is none; a row `heldUntil` a
 * time holds a digest it opens until then), the rows written in one
 * statement, and what to run after commit: one job per digest it opened.
 */
export async function writeDeliveries(
  em: EntityManager,
  rows: (NewDelivery & { heldUntil?: Date | null })[],
  pipeline: { digestWindowMs: number; maxAttempts: number },
  queue: Queue,
): Promise<(() => Promise<unknown>)[]> {
  const pending = rows.filter((r) => r.state === 'pending');
  const { byKey, created } = await openDigests(
    em,
    pending.map((r) => ({ recipientKey: r.recipientKey, channel: r.channel as MessageChannel, notBefore: r.heldUntil ?? null })),
    pipeline.digestWindowMs,
    pipeline.maxAttempts,
  );
  for (const row of pending) row.digestId = byKey.get(`${row.recipientKey}|${row.channel}`)!.id;
  await insertDeliveries(em, rows);
  if (!created.length) return [];
  return [
    () =>
      enqueueDigests(
        queue,
        created.map((d) => ({ data: { digestId: d.id, attempt: 1 }, delayMs: d.sendAt.getTime() - Date.now() })),
      ),
  ];
}
