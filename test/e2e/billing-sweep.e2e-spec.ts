import { randomUUID } from 'node:crypto';
import { BillRunsService } from '../../src/billing/bill-runs.service';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';

/** PostgreSQL is the truth for bill runs too: jobs lost with Redis are added again by the sweep. */
describe('bill runs whose jobs were lost', () => {
  let t: TestApp;
  let billing: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    billing = await t.staff(['billing'], ['CN']);
  });
  afterAll(() => t?.close());

  it('are finished by the sweep: every pending customer billed once, the run completed', async () => {
    const director = await t.staff(['director'], ['CN']);
    const customers: string[] = [];
    for (let i = 0; i < 3; i++) {
      const c = (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody()).expect(201)).body;
      customers.push(c.id);
      await t
        .http()
        .post('/api/v1/billing/charges')
        .set(bearer(billing))
        .send({
          customerId: c.id,
          serviceRegion: '440605',
          period: '2026-03',
          kind: 'recurring',
          amountFen: 1000 * (i + 1),
          description: '月租',
          sourceRef: unique('SRC-'),
        })
        .expect(201);
    }
    // What a run looks like when Redis lost its jobs right after the run committed: its
    // rows are in PostgreSQL, no job exists, and it started over a minute ago.
    const runId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO bill_runs (id, period, state, customers_total, started_at) VALUES ($1, '2026-03', 'running', $2, now() - interval '2 minutes')`,
      [runId, customers.length],
    );
    await t.dataSource.query(`INSERT INTO bill_run_items (bill_run_id, customer_id, outcome) SELECT $1, unnest($2::uuid[]), 'pending'`, [
      runId,
      customers,
    ]);

    expect(await t.app.get(BillRunsService).sweep()).toBe(customers.length);
    const run = await waitFor(
      async () => {
        const r = (await t.http().get(`/api/v1/billing/bill-runs/${runId}`).set(bearer(billing)).expect(200)).body;
        return r.state === 'completed' && r;
      },
      30_000,
      'the swept run to complete',
    );
    expect(run.outcomes.billed).toBe(customers.length);
    const bills = await t.dataSource.query(
      `SELECT customer_id, total_fen::int AS total FROM bills WHERE customer_id = ANY($1) AND period = '2026-03'`,
      [customers],
    );
    expect(bills).toHaveLength(customers.length);
    expect(bills.map((b: { total: number }) => b.total).sort()).toEqual([1000, 2000, 3000]);

    // A second sweep finds nothing left to do.
    expect(await t.app.get(BillRunsService).sweep()).toBe(0);
  });
});
