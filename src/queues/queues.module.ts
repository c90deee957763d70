import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Global, Logger, Module, OnApplicationBootstrap } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import type { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ALL_QUEUES, DEFAULT_JOB_OPTIONS } from './queue-names';
import { failFastWhileOffline, redisOptions } from './redis-connection';

/** The BullMQ connection and every queue; producers and processors both import this. */
@Global()
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: redisOptions(config.redis.url),
        prefix: config.redis.queuePrefix,
        defaultJobOptions: DEFAULT_JOB_OPTIONS,
      }),
    }),
    BullModule.registerQueue(...ALL_QUEUES.map((name) => ({ name }))),
  ],
  exports: [BullModule],
})
export class QueuesModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(QueuesModule.name);

  constructor(private readonly moduleRef: ModuleRef) {}

  onApplicationBootstrap(): void {
    // Not awaited: with Redis down at boot the queues become ready later, and the switch happens then.
    for (const name of ALL_QUEUES) {
      const queue = this.moduleRef.get<Queue>(getQueueToken(name), { strict: false });
      failFastWhileOffline(queue).catch((err: Error) => this.logger.warn(`queue ${name} never got ready: ${err.message}`));
    }
  }
}
