import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { SUPPORT_DISPATCH_JOB, SupportDispatchJobData } from './support-dispatcher';
import { SupportError, SupportErrorCode } from './support.errors';
import { SupportService } from './support.service';

export type SupportDispatchOutcome = 'assigned' | 'waiting' | 'skipped';

/** Assigns each new support request to the on-duty engineer of its region with the least open work (the faults' rule). */
@Processor(QueueName.supportDispatch, { concurrency: 4 })
export class SupportDispatchProcessor extends ManagedWorkerHost {
  constructor(
    private readonly support: SupportService,
    private readonly tickets: TicketWorkflow,
  ) {
    super();
  }

  async process(job: Job<SupportDispatchJobData, SupportDispatchOutcome, typeof SUPPORT_DISPATCH_JOB>): Promise<SupportDispatchOutcome> {
    let outcome: SupportDispatchOutcome = 'skipped';
    const dispatched = this.support.change(null, job.data.supportRequestId, undefined, async (em, post, request) => {
      if (request.assigneeId || !TICKET_OPEN_STATES.includes(request.state)) return null;
      const engineer = await this.tickets.leastBusyEngineer(em, request.region);
      if (!engineer) {
        outcome = 'waiting'; // stays unassigned in the console queue; maintenance retries
        return null;
      }
      await this.tickets.applyAssignment(this.support.kind, em, post, request, engineer, null);
      outcome = 'assigned';
      return { action: 'support.assigned', changes: { assigneeId: { from: null, to: engineer }, by: 'dispatch' } };
    });
    // A request that does not exist has nothing to dispatch; retrying would not change that.
    await dispatched.catch((err: unknown) => {
      if (!(err instanceof SupportError && err.code === SupportErrorCode.SUPPORT_NOT_FOUND)) throw err;
    });
    return outcome;
  }
}
