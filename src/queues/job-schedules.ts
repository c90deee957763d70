import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';

/**
 * Keeps a repeatable job alive. Job schedulers live in Redis, so a FLUSHALL
 * deletes them; upserting is idempotent, so every worker re-upserts on a
 * timer. Returns a function that stops the keeper (call it on shutdown).
 *
 * The timer runs every `everyMs` (at least 1 s), never slower: after a flush
 * the job is missing until the next upsert, so a slower keeper would stretch
 * the gap beyond one period (a 1 s SLA sweep stayed away for up to 5 s).
 * An upsert is one small script, and one that finds the next run still
 * waiting keeps its time, so this does not delay the job.
 */
export function keepScheduled(queue: Queue, id: string, everyMs: number, logger: Logger, data: object = {}): () => void {
  const upsert = () =>
    queue.upsertJobScheduler(id, { every: everyMs }, { name: id, data, opts: { removeOnComplete: true, removeOnFail: 100 } }).catch((err) => {
      logger.warn(`could not schedule ${id}: ${(err as Error).message}`);
    });
  void upsert();
  const timer = setInterval(upsert, Math.max(everyMs, 1000));
  timer.unref();
  return () => clearInterval(timer);
}
