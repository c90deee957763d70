import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { nextCaseNo, nextCaseSerials } from '../../src/cases/case-number';
import { PostCommit } from '../../src/common/post-commit';
import { WriteBatch } from '../../src/common/write-batch';
import { SlaClocksService } from '../../src/sla/sla-clocks.service';
import { TestApp, startTestApp } from '../support/test-app';

/** The one-statement insert batch the intake path relies on, against the real PostgreSQL. */
describe('WriteBatch', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
  });
  afterAll(() => t.close());

  const count = async (sql: string, params: unknown[]) => Number((await db.query(sql, params))[0].n);

  it('writes every part in one statement, renumbers parameters and returns each RETURNING part', async () => {
    const a = randomUUID();
    const batch = new WriteBatch();
    const first = batch.add(`INSERT INTO outbox_events (type, data) VALUES ($1, $2::jsonb) RETURNING type, data`, [
      'test.one',
      JSON.stringify({ a }),
    ]);
    void batch.add(`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ($1, $2, $3, '{}')`, ['fault', a, 'note']);
    const second = batch.add(`INSERT INTO outbox_events (type, data) SELECT $1, $2::jsonb FROM generate_series(1, $3) RETURNING type`, [
      'test.two',
      '{}',
      3,
    ]);
    expect(batch.size).toBe(3);
    await batch.run(db.manager);

    await expect(first).resolves.toEqual([{ type: 'test.one', data: { a } }]);
    await expect(second).resolves.toHaveLength(3);
    expect(await count(`SELECT count(*) AS n FROM case_timeline WHERE case_id = $1`, [a])).toBe(1);
    expect(batch.size).toBe(0); // a batch runs once; its parts are gone
  });

  it('is all or nothing: one failing part writes none of the others', async () => {
    const id = randomUUID();
    const batch = new WriteBatch();
    void batch.add(`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('fault', $1, 'note', '{}')`, [id]);
    // No such customer: the foreign key fails at the end of the statement.
    void batch.add(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at)
       VALUES ('fault', $1, $2, $3, '440605', 't', 'acknowledged', 3, false, true, now())`,
      [id, `FLT-TEST-${id}`, randomUUID()],
    );
    await expect(batch.run(db.manager)).rejects.toThrow(/foreign key/);
    expect(await count(`SELECT count(*) AS n FROM case_timeline WHERE case_id = $1`, [id])).toBe(0);
  });

  it('fails whole when the SLA policy a new case needs is missing, so no case exists without its clocks', async () => {
    const caseId = randomUUID();
    const batch = new WriteBatch();
    void batch.add(`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('fault', $1, 'created', '{}')`, [caseId]);
    void t.app.get(SlaClocksService).openIn(batch, new PostCommit(), 'fault', caseId, 9); // there is no fault:P9
    await expect(batch.run(db.manager)).rejects.toThrow(/policy_key/);
    expect(await count(`SELECT count(*) AS n FROM case_timeline WHERE case_id = $1`, [caseId])).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM sla_clocks WHERE case_id = $1`, [caseId])).toBe(0);
  });

  it('hands out case numbers from blocks without ever repeating one, even to concurrent callers', async () => {
    const numbers = await Promise.all(Array.from({ length: 120 }, () => nextCaseNo(db.manager, 'inquiry')));
    expect(new Set(numbers).size).toBe(120);
    for (const n of numbers) expect(n).toMatch(/^INQ-\d{8}-\d{6}$/);
    // Several at once (an order's work orders), mixed with single ones, larger than a block too.
    const serials = (await Promise.all([3, 1, 70, 3, 1, 2].map((count) => nextCaseSerials(db.manager, 'work_order', count)))).flat();
    expect(serials).toHaveLength(80);
    expect(new Set(serials).size).toBe(80);
  });
});
