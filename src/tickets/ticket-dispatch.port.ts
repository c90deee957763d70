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

/** How one ticket kind's dispatch jobs are named and keyed; each kind keeps its own queue, job name and keys. */
export interface TicketDispatchJobs {
  /** The job name (`dispatch`, `dispatch-support`). */
  name: string;
  /** Region jobs coalesce by `<idPrefix>-<region>-<queue priority>` while they wait; per-ticket jobs had the id `<idPrefix>-<ticket id>`. */
  idPrefix: string;
  /** The ticket id's field in a per-ticket job's data (`faultId`, `supportRequestId`): such jobs, queued before region jobs, are still served. */
  idField: string;
}

/** How many waiting tickets one region job takes at a time, and how many times it goes back for more; the upkeep sweep takes the rest. */
const BATCH = 100;
const BATCHES = 10;

/**
 * Asks for a dispatch of a ticket's region on its kind's prioritised dispatch
 * queue (green channel first, see queuePriority), after the intake commits;
 * the kind's TicketDispatchProcessor assigns every waiting ticket of that
 * region. The job is per region and queue priority, not per ticket: while one
 * waits, the next tickets of the region at that priority join it (BullMQ
 * deduplication; the worker lifts the key as it starts, before it reads the
 * waiting tickets, so a ticket committed later queues a job of its own).
 * Each kind subclasses it with its own queue injected (FaultDispatcher,
 * SupportDispatcher).
 */
export abstract class TicketDispatcher {
  protected constructor(
    private readonly queue: Queue,
    readonly jobs: TicketDispatchJobs,
  ) {}

  enqueue(t: Pick<TicketRow, 'priority' | 'greenChannel' | 'region'>): Promise<unknown> {
    const priority = queuePriority(t.priority, t.greenChannel);
    return this.queue.add(
      this.jobs.name,
      { region: t.region },
      {
        deduplication: { id: `${this.jobs.idPrefix}-${t.region}-${priority}` },
        priority,
        removeOnComplete: true,
        removeOnFail: { age: 7 * 24 * 3600 },
      },
    );
  }
}

export type DispatchOutcome = 'assigned' | 'waiting' | 'skipped';

/**
 * Assigns the waiting tickets of one kind and one region, most urgent first
 * (the queue's order: priority, green channel, age), each to the on-duty
 * engineer of the region with the least open work
 * (TicketWorkflow.leastBusyEngineer) under the ticket's own row lock, in its
 * own transaction (timeline, audit and event as for one ticket). Nobody on
 * duty: the tickets wait in the console queue and the kind's
 * TicketMaintenanceProcessor dispatches them again. Each kind subclasses it
 * with `@Processor(<its dispatch queue>)`.
 *
 * Who is on duty is asked first, in one statement outside any transaction:
 * when nobody is, the job ends there, without reading or locking a ticket.
 * The question was never under a ticket's lock (it reads the roster and the
 * load of other tickets), so asking it before the lock changes no guarantee;
 * the lock still decides whether the ticket is still open and unassigned.
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
    if (id) {
      // A per-ticket job, queued before dispatch went by region.
      const region = await this.tickets.regionOf(this.kind, id);
      if (region === null) return 'skipped'; // no such ticket
      const engineer = await this.tickets.leastBusyEngineer(null, region);
      return engineer ? this.assign(id, engineer) : 'waiting';
    }
    // From here on an intake of this region queues a new job: the read below may come too early for it.
    await job.removeDeduplicationKey();
    return this.dispatchRegion(job.data.region);
  }

  /** Every waiting ticket of the region, while someone is on duty: 'assigned' if one was, else 'waiting' or 'skipped' (none waiting). */
  private async dispatchRegion(region: string): Promise<DispatchOutcome> {
    let engineer = await this.tickets.leastBusyEngineer(null, region);
    if (!engineer) return 'waiting';
    let outcome: DispatchOutcome = 'skipped';
    for (let batch = 0; batch < BATCHES; batch++) {
      const waiting = await this.tickets.waitingInRegion(this.kind, region, BATCH);
      for (const id of waiting) {
        if (!engineer) return outcome === 'assigned' ? outcome : 'waiting';
        if ((await this.assign(id, engineer)) === 'assigned') outcome = 'assigned';
        // The load changed with that assignment: the next ticket asks again.
        engineer = await this.tickets.leastBusyEngineer(null, region);
      }
      if (waiting.length < BATCH) break;
    }
    return outcome;
  }

  /** The ticket to `engineer` under its row lock, if it is still open and nobody has it. */
  private async assign(id: string, engineer: string): Promise<DispatchOutcome> {
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
