import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { FaultDispatchProcessor } from '../../src/faults/fault-dispatch.processor';
import { queuePriority } from '../../src/cases/priority';
import { DISPATCH_JOB } from '../../src/faults/fault-dispatcher';
import { QueueName } from '../../src/queues/queue-names';
import { customerBody, faultBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

describe('green channel dispatch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('dispatches a green-channel P1 fault before thousands of standard jobs already waiting', async () => {
    const engineer = await t.staff(['engineer'], ['440600']);
    const director = await t.staff(['director'], ['440000']);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.dispatch));
    // Pausing the queue (not one worker) makes every worker stop fetching, atomically in Redis.
    await queue.pause();

    // 3,000 standard (P4, no green channel) dispatch jobs queue up first
    const STANDARD = 3000;
    const standardPriority = queuePriority(4, false);
    await queue.addBulk(
      Array.from({ length: STANDARD }, () => ({
        name: DISPATCH_JOB,
        data: { faultId: randomUUID() },
        opts: { priority: standardPriority, removeOnComplete: true },
      })),
    );
    expect(await queue.getPrioritizedCount()).toBeGreaterThanOrEqual(STANDARD);

    const c = (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ tier: 'key', greenChannel: true }))
    ).body;
    const fault = (
      await t
        .http()
        .post('/api/v1/faults')
        .set(bearer(director))
        .send(faultBody(c.id, { title: '应急指挥专线中断' }))
    ).body;
    expect(fault).toMatchObject({ priority: 'P1', greenChannel: true });

    // Start order is what priority decides (a real assignment takes longer than skipping, so completion order differs).
    const started: string[] = [];
    t.app.get(FaultDispatchProcessor).worker.on('active', (job) => started.push(String(job.id)));
    await queue.resume();
    await waitFor(
      async () => (await t.http().get(`/api/v1/faults/${fault.id}`).set(bearer(director))).body.assigneeId === engineer.id,
      15_000,
      'assignment',
    );
    // The green P1 job was the first the worker took, or within its first batch (concurrency 4).
    const position = started.indexOf(`dispatch-${fault.id}`);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(4);
  });
});
