import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Queue } from 'bullmq';
import { QueueName } from '../queues/queue-names';

@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    // Any queue's client is the Redis that BullMQ uses; ask it for INFO.
    @InjectQueue(QueueName.housekeeping) private readonly queue: Queue,
  ) {}

  async isHealthy(key: string, timeoutMs = 1000) {
    const indicator = this.indicators.check(key);
    try {
      const client = await this.queue.backend.client;
      const info = await Promise.race([
        client.info(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref()),
      ]);
      // BullMQ needs noeviction: an evicted job key would silently lose work.
      const policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
      return policy === 'noeviction'
        ? indicator.up({ maxmemoryPolicy: policy })
        : indicator.down({ maxmemoryPolicy: policy, message: 'Redis must run with maxmemory-policy noeviction' });
    } catch (err) {
      return indicator.down({ message: (err as Error).message });
    }
  }
}
