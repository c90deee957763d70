import type { Job, Queue } from 'bullmq';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { queuePriority } from '../cases/priority';
import { isTicketFailure } from './ticket-kind.port';
import type { TicketKind, TicketRow } from './ticket-kind.port';
import type { TicketWorkflow } from './ticket-workflow.service';

/*
 * What a ticket kind plugs its dispatch into: the kind subclasses
 * TicketDispatcher (the after-commit enqueue) and TicketDispatchProcessor (the
 * worker) with its own queue, job name, job ids and data, and writes no
 * dispatch logic of its own (docs/ARCHITECTURE.md, "Where to add a new kind of case").
 */

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
 * first, see queuePriority), after the intake commits; the kind's
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
        priority: queuePriority(t.priority, t.greenChannel),
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }
}

export type DispatchOutcome = 'assigned' | 'waiting' | 'skipped';

/**
 * Assigns each new ticket of one kind to the on-duty engineer of its region
 * with the least open work (TicketWorkflow.leastBusyEngineer), under the
 * ticket's row lock. Nobody on duty: the ticket waits in the console queue and
 * the kind's TicketMaintenanceProcessor dispatches it again. Each kind
 * subclasses it with `@Processor(<its dispatch queue>)`.
 */
export abstract class TicketDispatchProcessor<T extends TicketRow> extends ManagedWorkerHost {
  protected constructor(
    private readonly tickets: TicketWorkflow,
    private readonly kind: TicketKind<T>,
    private readonly jobs: TicketDispatchJobs,
  ) {
    super();
  }

  async process(job: Job<Record<string, string>, DispatchOutcome>): Promise<DispatchOutcome> {
    let outcome: DispatchOutcome = 'skipped';
    const dispatched = this.tickets.change(this.kind, null, job.data[this.jobs.idField], undefined, async (em, post, row) => {
      if (row.assigneeId || !TICKET_OPEN_STATES.includes(row.state)) return null;
      const engineer = await this.tickets.leastBusyEngineer(em, row.region);
      if (!engineer) {
        outcome = 'waiting'; // stays unassigned in the console queue; maintenance retries
        return null;
      }
      await this.tickets.applyAssignment(this.kind, em, post, row, engineer, null);
      outcome = 'assigned';
      return { action: `${this.kind.actionPrefix}.assigned`, changes: { assigneeId: { from: null, to: engineer }, by: 'dispatch' } };
    });
    // A ticket that does not exist has nothing to dispatch; retrying would not change that.
    await dispatched.catch((err: unknown) => {
      if (!isTicketFailure(this.kind, err, 'NOT_FOUND')) throw err;
    });
    return outcome;
  }
}
