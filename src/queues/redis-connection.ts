import type { Queue, RedisOptions } from 'bullmq';

/** Reconnect attempts back off to one every 2 s: a Redis that comes back is noticed within 2 s (BullMQ's default waits up to 20 s). */
export const reconnectDelayMs = (attempt: number) => Math.min(attempt * 200, 2000);

/**
 * BullMQ connection from REDIS_URL. `maxRetriesPerRequest: null` is what
 * BullMQ workers require: a worker's commands wait for Redis to come back.
 * Producers must not (see failFastWhileOffline).
 */
export function redisOptions(url: string): RedisOptions & { maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null, retryStrategy: reconnectDelayMs };
}

/**
 * A queue's own connection is the producer side (adding jobs; workers have
 * connections of their own, built from the same options). With the options
 * above, an `add` made while Redis is unreachable would wait in ioredis's
 * offline queue until Redis returns, and the request that committed a case
 * and then adds its timers would hang with it. Once the queue is ready, its
 * connection is switched to fail fast: no offline queue, and a command in
 * flight when the connection drops fails after one reconnect attempt. The
 * caller logs the failure and answers; the sweeps rebuild the jobs from
 * PostgreSQL when Redis is back (see PostCommit).
 *
 * Set after the fact because @nestjs/bullmq builds each queue's workers from
 * the queue's own connection options, which must keep waiting.
 */
export async function failFastWhileOffline(queue: Queue): Promise<void> {
  await queue.waitUntilReady();
  const client = await queue.backend.client;
  Object.assign(client.options, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
}
