import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { nextCaseNo, nextCaseSerials } from '../../src/cases/case-number';
import { PostCommit } from '../../src/common/post-commit';
import { sql } from '../../src/common/sql';
import { BatchNotRunError, WriteBatch } from '../../src/common/write-batch';
import { SlaClocksService } from '../../src/sla/sla-clocks.service';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

/** The one-statement insert batch the intake path relies on, against the real PostgreSQL. */
describe('WriteBatch', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
  });
  afterAll(() => t.close());

  const count = async (caseId: string, table: 'case_timeline' | 'sla_clocks') =>
    Number((await db.query(`SELECT count(*) AS n FROM ${table} WHERE case_id = $1`, [caseId]))[0].n);

  it('writes every part in one statement, numbers the parameters of all parts and returns each RETURNING part', async () => {
    const a = randomUUID();
    const batch = new WriteBatch();
    const first = batch.add(
      sql`INSERT INTO outbox_events (type, data) VALUES (${'test.one'}, ${JSON.stringify({ a })}::jsonb) RETURNING type, data`,
    );
    batch.add(sql`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES (${'fault'}, ${a}, ${'note'}, '{}')`);
    const second = batch.add(
      sql`INSERT INTO outbox_events (type, data) SELECT ${'test.two'}, ${'{}'}::jsonb FROM generate_series(1, ${3}::int) RETURNING type`,
    );
    expect(batch.size).toBe(3);
    await batch.run(db.manager);

    expect(first.value).toEqual([{ type: 'test.one', data: { a } }]);
    expect(second.value).toHaveLength(3);
    expect(second.map((rows) => rows.length).value).toBe(3);
    expect(await count(a, 'case_timeline')).toBe(1);
    expect(batch.size).toBe(0); // a batch runs once; its parts are gone
  });

  it('refuses at once to give a part before the batch has run (it used to hang whoever awaited it)', async () => {
    const batch = new WriteBatch();
    const part = batch.add(sql`INSERT INTO outbox_events (type, data) VALUES ('test.early', '{}') RETURNING id`);
    const derived = part.map((rows) => rows.length);
    expect(() => part.value).toThrow(BatchNotRunError);
    expect(() => derived.value).toThrow(BatchNotRunError);
    await batch.run(db.manager);
    expect(part.value).toHaveLength(1);
    expect(derived.value).toBe(1);
  });

  it('is all or nothing, and every part of a failed batch carries its error', async () => {
    const id = randomUUID();
    const batch = new WriteBatch();
    const line = batch.add(
      sql`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('fault', ${id}, 'note', '{}') RETURNING id`,
    );
    // No such customer: the foreign key fails at the end of the statement.
    const index = batch.add(
      sql`INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at)
          VALUES ('fault', ${id}, ${`FLT-TEST-${id}`}, ${randomUUID()}, '440605', 't', 'acknowledged', 3, false, true, now())`,
    );
    await expect(batch.run(db.manager)).rejects.toThrow(/foreign key/);
    expect(() => line.value).toThrow(/foreign key/);
    expect(() => index.value).toThrow(/foreign key/);
    expect(await count(id, 'case_timeline')).toBe(0);
  });

  it('refuses a new case whose SLA policy is missing before the batch runs, so no case exists without its clocks', async () => {
    const caseId = randomUUID();
    const batch = new WriteBatch();
    batch.add(sql`INSERT INTO case_timeline (case_kind, case_id, type, data) VALUES ('fault', ${caseId}, 'created', '{}')`);
    // there is no fault:P9: the engine refuses before the batch runs, so it never does
    expect(() => t.app.get(SlaClocksService).openIn(batch, new PostCommit(), { kind: 'fault', caseId, policyKey: 'fault:P9' })).toThrow(
      /No SLA policy fault:P9/,
    );
    expect(await count(caseId, 'case_timeline')).toBe(0);
    expect(await count(caseId, 'sla_clocks')).toBe(0);
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
