import { getQueueToken } from '@nestjs/bullmq';
import type { Job, Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { FaultDispatchProcessor } from '../../src/faults/fault-dispatch.processor';
import { queuePriority } from '../../src/cases/priority';
import { DISPATCH_JOB } from '../../src/faults/fault-dispatcher';
import type { DispatchOutcome } from '../../src/faults/fault-dispatch.processor';
import { FaultMaintenanceProcessor } from '../../src/faults/fault-maintenance.processor';
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
    const started: Record<string, string>[] = [];
    t.app.get(FaultDispatchProcessor).worker.on('active', (job) => started.push(job.data as Record<string, string>));
    await queue.resume();
    await waitFor(
      async () => (await t.http().get(`/api/v1/faults/${fault.id}`).set(bearer(director))).body.assigneeId === engineer.id,
      15_000,
      'assignment',
    );
    // The green P1 fault's region job was the first the worker took, or within its first batch (concurrency 4).
    const position = started.findIndex((data) => data.region === fault.region);
    expect(position).toBeGreaterThanOrEqual(0);
    expect(position).toBeLessThan(4);
  });
});

describe('dispatch by region', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  // What the processor needs of a job: its data, and (for a region job) lifting its deduplication key.
  const asJob = (data: Record<string, string>) =>
    ({ data, removeDeduplicationKey: () => Promise.resolve(false) }) as unknown as Job<Record<string, string>, DispatchOutcome>;
  const customerIn = async (director: { token: string }, region: string) =>
    (
      await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(director))
        .send(customerBody({ homeRegion: region, sites: [{ name: '机房', region, address: 'x' }] }))
        .expect(201)
    ).body as { id: string };
  const openFault = async (director: { token: string }, customerId: string, severity: string) =>
    (await t.http().post('/api/v1/faults').set(bearer(director)).send(faultBody(customerId, { severity })).expect(201)).body as {
      id: string;
      priority: string;
    };
  const assignedOrder = async (ids: string[]) =>
    (
      await t.dataSource.query<{ entity_id: string }[]>(
        `SELECT entity_id FROM audit_log WHERE action = 'fault.assigned' AND entity_id = ANY($1) ORDER BY id`,
        [ids],
      )
    ).map((r) => r.entity_id);

  it('one job per region and priority serves every fault waiting there, most urgent first; with nobody on duty it locks nothing', async () => {
    const director = await t.staff(['director'], ['CN']);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.dispatch));
    const processor = t.app.get(FaultDispatchProcessor);
    const c = await customerIn(director, '440304');

    await queue.pause();
    let minor1: { id: string }, critical: { id: string }, minor2: { id: string };
    try {
      minor1 = await openFault(director, c.id, 'minor');
      critical = await openFault(director, c.id, 'critical');
      minor2 = await openFault(director, c.id, 'minor');
      // Three faults, two priorities: two jobs, the two minor faults' intakes coalesced into one.
      const jobs = (await queue.getJobs(['prioritized', 'waiting'])).filter((j) => j.data.region === '440304');
      expect(jobs.map((j) => j.data)).toEqual([{ region: '440304' }, { region: '440304' }]);
      expect(new Set(jobs.map((j) => j.priority)).size).toBe(2);

      // Nobody covers 440304: the answer comes while another transaction holds a fault's row (a locking dispatch would wait for it).
      const holder = t.dataSource.createQueryRunner();
      await holder.connect();
      await holder.startTransaction();
      try {
        await holder.query('SELECT id FROM faults WHERE id = $1 FOR UPDATE', [minor1.id]);
        expect(await processor.process(asJob({ region: '440304' }))).toBe('waiting');
      } finally {
        await holder.rollbackTransaction();
        await holder.release();
      }
    } finally {
      await queue.resume();
    }

    // Nobody took them; an engineer covering Shenzhen comes on duty, and the next fault of the region takes the waiting ones along, in queue order.
    const engineer = await t.staff(['engineer'], ['440300']);
    const later = await openFault(director, c.id, 'minor');
    const all = [minor1.id, critical.id, minor2.id, later.id];
    await waitFor(async () => (await assignedOrder(all)).length === 4, 15_000, 'region dispatch');
    expect(await assignedOrder(all)).toEqual([critical.id, minor1.id, minor2.id, later.id]);
    const view = (await t.http().get(`/api/v1/faults/${minor1.id}`).set(bearer(director))).body;
    expect(view.assigneeId).toBe(engineer.id);
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_events WHERE type = 'fault.assigned' AND data->>'faultId' = ANY($1)`,
      [all],
    );
    expect(n).toBe(4);
  });

  it('a per-fault job queued before dispatch went by region still assigns its fault; a lost job is made good by the sweep', async () => {
    const director = await t.staff(['director'], ['CN']);
    const queue = t.app.get<Queue>(getQueueToken(QueueName.dispatch));
    const processor = t.app.get(FaultDispatchProcessor);
    const c = await customerIn(director, '440511');

    await queue.pause();
    let old: { id: string }, lost: { id: string };
    try {
      old = await openFault(director, c.id, 'major');
      lost = await openFault(director, c.id, 'minor');
      // Both region jobs lost (as with a Redis flush), then an engineer comes on duty.
      await queue.drain();
      const engineer = await t.staff(['engineer'], ['440500']);
      expect(await processor.process(asJob({ faultId: old.id }))).toBe('assigned');
      expect(await processor.process(asJob({ faultId: old.id }))).toBe('skipped'); // taken already
      expect(await processor.process(asJob({ faultId: randomUUID() }))).toBe('skipped'); // no such fault
      expect((await t.http().get(`/api/v1/faults/${old.id}`).set(bearer(director))).body.assigneeId).toBe(engineer.id);
    } finally {
      await queue.resume();
    }

    // The sweep takes faults older than 30 s: the lost one is made older, and the sweep's job assigns it.
    expect((await t.http().get(`/api/v1/faults/${lost.id}`).set(bearer(director))).body.assigneeId).toBeNull();
    await t.dataSource.query(`UPDATE faults SET created_at = created_at - interval '1 minute' WHERE id = $1`, [lost.id]);
    const upkeep = t.app.get(FaultMaintenanceProcessor);
    expect((await upkeep.process({ name: 'maintain-faults', data: {} } as Job<Record<string, never>>)).redispatched).toBeGreaterThanOrEqual(
      1,
    );
    await waitFor(async () => (await assignedOrder([lost.id])).length === 1, 15_000, 'sweep dispatch');
  });
});
