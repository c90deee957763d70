import type { RedisOptions } from 'bullmq';

/** BullMQ connection from REDIS_URL; `maxRetriesPerRequest: null` is what BullMQ workers require. */
export function redisOptions(url: string): RedisOptions & { maxRetriesPerRequest: null } {
  return { url, maxRetriesPerRequest: null };
}
