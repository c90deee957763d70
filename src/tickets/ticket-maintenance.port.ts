import type { OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import type { TicketDispatcher } from './ticket-dispatch.port';
import type { TicketKind, TicketRow } from './ticket-kind.port';
import type { TicketWorkflow } from './ticket-workflow.service';

const EVERY_MS = 60_000;

/** One kind's upkeep job: its name, and how long a resolved ticket waits before it is closed for the customer. */
export interface TicketUpkeep {
  /** The scheduled job's name (`maintain-faults`, `maintain-support`). */
  job: string;
  autoCloseHours(): number;
}

/**
 * Every minute, on the kind's own upkeep queue: closes tickets resolved
 * longer than the kind's auto-close time (the customer did not object), and
 * dispatches again the open tickets nobody has taken (an engineer may have
 * come on duty, or a dispatch job was lost with Redis). Each kind subclasses
 * it with `@Processor(<its upkeep queue>)`.
 */
export abstract class TicketMaintenanceProcessor<T extends TicketRow> extends ManagedWorkerHost implements OnApplicationBootstrap {
  protected constructor(
    private readonly queue: Queue,
    private readonly tickets: TicketWorkflow,
    private readonly kind: TicketKind<T>,
    private readonly dispatcher: TicketDispatcher,
    private readonly upkeep: TicketUpkeep,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.keepScheduled(this.queue, this.upkeep.job, EVERY_MS);
  }

  async process(job: Job<Record<string, never>>): Promise<{ closed: number; redispatched: number }> {
    if (job.name !== this.upkeep.job) throw new Error(`no handler for ${this.queue.name} job ${job.name}`);
    const closed = await this.tickets.autoClose(this.kind, this.upkeep.autoCloseHours());
    const waiting = await this.tickets.waitingForEngineer(this.kind);
    await Promise.all(waiting.map((t) => this.dispatcher.enqueue(t)));
    return { closed, redispatched: waiting.length };
  }
}
