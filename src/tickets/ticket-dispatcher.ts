import type { Queue } from 'bullmq';
import { dispatchPriority } from './dispatch-priority';
import type { TicketRow } from './ticket-kind';

/** How one ticket kind's dispatch jobs are named and keyed; each kind keeps its own queue, job name, data and job ids. */
export interface TicketDispatchJobs {
  /** The job name (`dispatch`, `dispatch-support`). */
  name: string;
  /** The job's id is `<idPrefix>-<ticket id>`: deterministic, colon-free, so adding it twice is a no-op while it waits. */
  idPrefix: string;
  /** The job data's one field, the ticket's id (`faultId`, `supportRequestId`). */
  idField: string;
}

/**
 * Puts a ticket on its kind's prioritised dispatch queue (green channel
 * first, see dispatchPriority), after the intake commits; the kind's
 * TicketDispatchProcessor assigns it. Each kind subclasses it with its own
 * queue injected (FaultDispatcher, SupportDispatcher).
 */
export abstract class TicketDispatcher {
  protected constructor(
    private readonly queue: Queue,
    readonly jobs: TicketDispatchJobs,
  ) {}

  enqueue(t: Pick<TicketRow, 'id' | 'priority' | 'greenChannel'>): Promise<unknown> {
    return this.queue.add(
      this.jobs.name,
      { [this.jobs.idField]: t.id },
      {
        jobId: `${this.jobs.idPrefix}-${t.id}`,
        priority: dispatchPriority(t.priority, t.greenChannel),
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }
}
