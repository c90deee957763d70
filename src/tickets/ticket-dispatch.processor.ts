import type { Job } from 'bullmq';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import type { TicketDispatchJobs } from './ticket-dispatcher';
import { isTicketFailure } from './ticket-kind';
import type { TicketKind, TicketRow } from './ticket-kind';
import type { TicketWorkflow } from './ticket-workflow.service';

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
