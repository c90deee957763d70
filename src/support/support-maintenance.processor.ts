import { InjectQueue, Processor } from '@nestjs/bullmq';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { SupportDispatcher } from './support-dispatcher';
import { SupportService } from './support.service';

export const MAINTAIN_SUPPORT_JOB = 'maintain-support';
const EVERY_MS = 60_000;

/** Closes support requests resolved long ago, and re-dispatches those still waiting for an engineer. */
@Processor(QueueName.support)
export class SupportMaintenanceProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.support) private readonly queue: Queue,
    private readonly support: SupportService,
    private readonly dispatcher: SupportDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, MAINTAIN_SUPPORT_JOB, EVERY_MS);
  }

  async process(job: Job<Record<string, never>, unknown, typeof MAINTAIN_SUPPORT_JOB>): Promise<{ closed: number; redispatched: number }> {
    if (job.name !== MAINTAIN_SUPPORT_JOB) throw new Error(`no handler for support job ${job.name}`);
    const closed = await this.support.autoClose(this.config.sla.supportAutoCloseHours);
    const waiting = await this.support.waitingForEngineer();
    await Promise.all(waiting.map((r) => this.dispatcher.enqueue(r)));
    return { closed, redispatched: waiting.length };
  }
}
