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
  /** The job data's field for the ticket's id (`faultId`, `supportRequestId`); beside it, `region`. */
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

  enqueue(t: Pick<TicketRow, 'id' | 'priority' | 'greenChannel' | 'region'>): Promise<unknown> {
    return this.queue.add(
      this.jobs.name,
      // The region lets the worker ask who is on duty before it opens a transaction (TicketDispatchProcessor).
      { [this.jobs.idField]: t.id, region: t.region },
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
 *
 * Who is on duty is asked first, in one statement outside any transaction
 * (the job carries the ticket's region, which never changes after intake):
 * when nobody is, the ticket would wait whatever its row says, so the job
 * ends there instead of locking the row for nothing (four statements:
 * BEGIN, the lock, the same question, COMMIT). When somebody is, the row is
 * locked and checked as before and that engineer takes it: the question was
 * never under the ticket's lock (it reads the roster and the load of other
 * tickets), so asking it just before the lock changes no guarantee.
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
    const id = job.data[this.jobs.idField];
    // A job queued before jobs carried the region reads it from the row.
    const region = job.data.region ?? (await this.tickets.regionOf(this.kind, id));
    if (region === null) return 'skipped'; // no such ticket
    const engineer = await this.tickets.leastBusyEngineer(null, region);
    // Stays unassigned in the console queue; maintenance dispatches it again.
    if (!engineer) return 'waiting';
    let outcome: DispatchOutcome = 'skipped';
    const dispatched = this.tickets.change(this.kind, null, id, undefined, async (em, post, row) => {
      if (row.assigneeId || !TICKET_OPEN_STATES.includes(row.state)) return null;
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
