import { Processor } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { MicroBatcher } from '../common/micro-batch';
import { AppConfig } from '../config/app-config';
import { ManagedWorkerHost } from '../queues/managed-worker-host';
import { QueueName } from '../queues/queue-names';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import { FULFIL_JOB, FulfilJobData, fulfilJobId } from './order-fan-out';
import { DispatchChannel } from './work-order.entity';
import { DispatchTarget, WorkOrdersService } from './work-orders.service';

export type FulfilOutcome = 'webhook' | 'console' | 'skipped';
export const DISPATCH_EVENT = 'work_order.dispatched';

/**
 * Dispatches each work order to its region: as a signed webhook to the
 * region's endpoint when it has one (retried by BullMQ with backoff; after
 * the last attempt it falls back to the console queue rather than stay
 * pending), otherwise into the region's console queue. Green channel first:
 * the queue is prioritised (see OrderFanOut).
 *
 * Each job dispatches its own work order, but the jobs running at the same
 * time share their database work: their look-ups are one query and their
 * dispatches one transaction (MicroBatcher), so a burst of orders costs a
 * few statements per batch instead of eight per work order.
 */
// Many jobs at once is cheap here: they share one query and one transaction per batch.
@Processor(QueueName.fulfilment, { concurrency: 64 })
export class FulfilmentProcessor extends ManagedWorkerHost {
  private readonly targets: MicroBatcher<string, DispatchTarget | null>;
  private readonly dispatches: MicroBatcher<{ id: string; via: DispatchChannel; note?: string }, boolean>;

  constructor(
    private readonly workOrders: WorkOrdersService,
    private readonly config: AppConfig,
    private readonly endpoints: WebhookTargets,
  ) {
    super();
    this.targets = new MicroBatcher((ids) => this.workOrders.dispatchTargets(ids));
    this.dispatches = new MicroBatcher((items) => this.workOrders.markDispatched(items));
  }

  private async dispatch(id: string, via: DispatchChannel, note?: string): Promise<FulfilOutcome> {
    return (await this.dispatches.submit({ id, via, note })) ? via : 'skipped';
  }

  async process(job: Job<FulfilJobData, FulfilOutcome, typeof FULFIL_JOB>): Promise<FulfilOutcome> {
    if (job.name !== FULFIL_JOB) throw new Error(`no handler for fulfilment job ${job.name}`);
    const target = await this.targets.submit(job.data.workOrderId);
    if (!target) return 'skipped';
    const id = target.workOrderId;
    if (!target.endpoint) return this.dispatch(id, 'console');

    const { events } = this.config;
    const sent = await this.endpoints.postSigned(
      target.endpoint.url,
      target.endpoint.secret,
      { id, type: DISPATCH_EVENT, occurredAt: new Date().toISOString(), data: await this.workOrders.dispatchPayload(id) },
      { deliveryId: job.id ?? fulfilJobId(id), timeoutMs: events.webhookTimeoutMs },
    );
    if (sent.ok) return this.dispatch(id, 'webhook');
    const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (!lastAttempt) throw new Error(`region ${target.endpoint.region} dispatch endpoint: ${sent.error}`);
    const note = `the region's endpoint did not take it (${sent.error}); waiting in the console queue`;
    return this.dispatch(id, 'console', note);
  }
}
