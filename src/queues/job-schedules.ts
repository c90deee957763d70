import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Keeps a repeatable job alive. Job schedulers live in Redis, so a FLUSHALL
 * deletes them; upserting is idempotent, so every worker re-upserts on a
 * timer. Returns a function that stops the keeper (call it on shutdown).
 */
export function keepScheduled(queue: Queue, id: string, everyMs: number, logger: Logger, data: object = {}): () => void {
  const upsert = () =>
    queue.upsertJobScheduler(id, { every: everyMs }, { name: id, data, opts: { removeOnComplete: true, removeOnFail: 100 } }).catch((err) => {
      logger.warn(`could not schedule ${id}: ${(err as Error).message}`);
    });
  void upsert();
  const timer = setInterval(upsert, Math.max(everyMs, 5000));
  timer.unref();
  return () => clearInterval(timer);
}
