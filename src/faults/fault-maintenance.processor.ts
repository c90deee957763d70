import { InjectQueue, Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { OnApplicationBootstrap } from '@nestjs/common';
import { Job, Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { FaultDispatcher } from './fault-dispatcher';
import { FaultsService } from './faults.service';

export const MAINTAIN_JOB = 'maintain-faults';
const EVERY_MS = 60_000;

/** Closes faults resolved long ago, and re-dispatches faults still waiting for an engineer. */
@Processor(QueueName.faults)
export class FaultMaintenanceProcessor extends ManagedWorkerHost implements OnApplicationBootstrap {
  constructor(
    @InjectQueue(QueueName.faults) private readonly queue: Queue,
    private readonly faults: FaultsService,
    private readonly dispatcher: FaultDispatcher,
    private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, MAINTAIN_JOB, EVERY_MS);
  }

  async process(job: Job<Record<string, never>, unknown, typeof MAINTAIN_JOB>): Promise<{ closed: number; redispatched: number }> {
    if (job.name !== MAINTAIN_JOB) throw new Error(`no handler for faults job ${job.name}`);
    const closed = await this.faults.autoClose(this.config.sla.faultAutoCloseHours);
    const waiting = await this.faults.waitingForEngineer();
    await Promise.all(waiting.map((f) => this.dispatcher.enqueue(f)));
    return { closed, redispatched: waiting.length };
  }
}
