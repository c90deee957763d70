import { Processor } from '@nestjs/bullmq';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { Job } from 'bullmq';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import { QueueName } from '../queues/queue-names';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { DISPATCH_JOB, DispatchJobData } from './fault-dispatcher';
import { FaultError, FaultErrorCode } from './faults.errors';
import { FaultsService } from './faults.service';

export type DispatchOutcome = 'assigned' | 'waiting' | 'skipped';

/** Assigns each new fault to the on-duty engineer in its region with the least open work. */
@Processor(QueueName.dispatch, { concurrency: 4 })
export class FaultDispatchProcessor extends ManagedWorkerHost {
  constructor(
    private readonly faults: FaultsService,
    private readonly tickets: TicketWorkflow,
  ) {
    super();
  }

  async process(job: Job<DispatchJobData, DispatchOutcome, typeof DISPATCH_JOB>): Promise<DispatchOutcome> {
    let outcome: DispatchOutcome = 'skipped';
    const dispatched = this.faults.change(null, job.data.faultId, undefined, async (em, post, fault) => {
      if (fault.assigneeId || !TICKET_OPEN_STATES.includes(fault.state)) return null;
      const engineer = await this.tickets.leastBusyEngineer(em, fault.region);
      if (!engineer) {
        outcome = 'waiting'; // stays unassigned in the console queue; maintenance retries
        return null;
      }
      await this.faults.applyAssignment(em, post, fault, engineer, null);
      outcome = 'assigned';
      return { action: 'fault.assigned', changes: { assigneeId: { from: null, to: engineer }, by: 'dispatch' } };
    });
    // A fault that does not exist has nothing to dispatch; retrying would not change that.
    await dispatched.catch((err: unknown) => {
      if (!(err instanceof FaultError && err.code === FaultErrorCode.FAULT_NOT_FOUND)) throw err;
    });
    return outcome;
  }
}
