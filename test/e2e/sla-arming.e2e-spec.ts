import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { QueueName } from '../../src/queues/queue-names';
import { randomUUID } from 'node:crypto';
import { SlaClocksService, fireJobId } from '../../src/sla/sla-clocks.service';
import type { AlertLevel } from '../../src/sla/sla-levels.port';
import { customerBody, faultBody } from '../support/factories';
import type { TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

const SWEEP_SECONDS = 1;
/** Beyond one sweep interval: BullMQ's delayed-job latency, the sweep's own run, a loaded CI machine. */
const SLACK_MS = 2000;

/**
 * The arming horizon (docs/ARCHITECTURE.md, "SLA timers"): the intake arms a
 * timer only for a threshold within two sweeps; a later one lives in
 * PostgreSQL alone until a sweep arms it, one sweep interval or more before
 * it is due, so it still fires on time.
 */
describe('SLA timers are armed within the horizon, the rest by the sweep', () => {
  let t: TestApp;
  let slaQueue: Queue;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: String(SWEEP_SECONDS) });
    slaQueue = t.app.get<Queue>(getQueueToken(QueueName.sla));
  });
  afterAll(() => t?.close());

  interface ClockRow {
    id: string;
    clock: 'response' | 'resolution';
    generation: number;
    nextLevel: AlertLevel;
    nextAt: Date;
  }
  const clocksOf = (faultId: string) =>
    t.dataSource.query<ClockRow[]>(
      `SELECT id, clock, generation, next_level AS "nextLevel", next_at AS "nextAt" FROM sla_clocks WHERE case_id = $1 ORDER BY clock`,
      [faultId],
    );
  const timerOf = (c: ClockRow) => slaQueue.getJob(fireJobId(c));

  it('arms a near threshold at intake, leaves a far one to the sweep, and the sweep arms it before it is due', async () => {
    // Response warning 1 s away (within the 2 s horizon), resolution warning 8 s away (beyond it).
    const policy = await t.http().put('/api/v1/sla/policies/fault:P1').set(bearer(t.admin)).send({
      responseSeconds: 2,
      resolutionSeconds: 16,
      warnAtPercent: 50,
    });
    expect(policy.status).toBe(200);
    const customer = await t
      .http()
      .post('/api/v1/customers')
      .set(bearer(t.admin))
      .send(customerBody({ greenChannel: false }));
    expect(customer.status).toBe(201);
    const fault = await t.http().post('/api/v1/faults').set(bearer(t.admin)).send(faultBody(customer.body.id));
    expect(fault.status).toBe(201);

    const [resolution, response] = await clocksOf(fault.body.id);
    expect([resolution.clock, response.clock]).toEqual(['resolution', 'response']);
    expect(await timerOf(response)).toBeTruthy();
    // Checked before the resolution warning comes within the horizon (6 s of slack on a slow machine).
    expect(new Date(resolution.nextAt).getTime() - Date.now()).toBeGreaterThan(2 * SWEEP_SECONDS * 1000);
    expect(await timerOf(resolution)).toBeFalsy();

    const armedAt = await waitFor(async () => ((await timerOf(resolution)) ? Date.now() : null), 15_000, 'the sweep to arm the far timer');
    // Armed by a sweep no later than one sweep before it falls due (plus the sweep's own run on a loaded machine).
    expect(armedAt).toBeLessThanOrEqual(new Date(resolution.nextAt).getTime() - SWEEP_SECONDS * 1000 + SLACK_MS);

    const [warning] = await waitFor(
      async () => {
        const rows = await t.dataSource.query<{ due_at: Date; raised_at: Date }[]>(
          `SELECT due_at, raised_at FROM alerts WHERE clock_id = $1 AND level = 'warning'`,
          [resolution.id],
        );
        return rows.length ? rows : null;
      },
      20_000,
      'the resolution warning',
    );
    const lateMs = new Date(warning.raised_at).getTime() - new Date(warning.due_at).getTime();
    expect(lateMs).toBeGreaterThanOrEqual(0);
    // On time: within one sweep interval and the slack, as every alert.
    expect(lateMs).toBeLessThan(SWEEP_SECONDS * 1000 + SLACK_MS);
  }, 40_000);
});

/** armAll's chunks, with a horizon long enough (two 10-minute sweeps) that no timer falls due while the test counts them. */
describe('SLA timers armed in chunks', () => {
  let t: TestApp;
  let slaQueue: Queue;

  beforeAll(async () => {
    t = await startTestApp({ SLA_SWEEP_SECONDS: '600' });
    slaQueue = t.app.get<Queue>(getQueueToken(QueueName.sla));
  });
  afterAll(() => t?.close());

  it('arms thousands of timers in chunks, every one of them, and none beyond the horizon', async () => {
    const sla = t.app.get(SlaClocksService);
    const now = Date.now();
    const clock = (inMs: number) => ({
      id: randomUUID(),
      generation: 1,
      state: 'running' as const,
      nextLevel: 'warning' as const,
      nextAt: new Date(now + inMs),
    });
    // Within the 1,200 s horizon, 1,201 of them: three chunks of 500; and ten beyond it.
    const near = Array.from({ length: 1201 }, () => clock(600_000));
    const far = Array.from({ length: 10 }, () => clock(1_300_000));
    const delayedBefore = await slaQueue.getDelayedCount();
    await sla.armAll([...near, ...far]);
    const jobs = await Promise.all([...near, ...far].map((c) => slaQueue.getJob(fireJobId(c))));
    expect(jobs.filter(Boolean)).toHaveLength(1201);
    expect(jobs.slice(1201).filter(Boolean)).toHaveLength(0);
    expect((await slaQueue.getDelayedCount()) - delayedBefore).toBe(1201);
  });
});
