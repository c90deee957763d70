import type { DataSource } from 'typeorm';
import { ReadBatch } from '../../src/common/read-batch';
import { sql } from '../../src/common/sql';
import { BatchNotRunError } from '../../src/common/write-batch';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

/** The one-statement read batch order intake relies on (its customer context and arrears standing), against the real PostgreSQL. */
describe('ReadBatch', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
  });
  afterAll(() => t.close());

  it('reads every part in one statement, numbering the parameters of all parts, each part its own rows', async () => {
    const batch = new ReadBatch();
    const numbers = batch.add<{ n: number; label: string }>(
      sql`SELECT g AS n, ${'x'}::text || g AS label FROM generate_series(1, ${3}::int) g ORDER BY g`,
    );
    const none = batch.add(sql`SELECT 1 AS one WHERE ${false}::boolean`);
    const big = batch.add<{ total: string | null; day: string }>(
      sql`SELECT (${'9007199254740993'}::bigint)::text AS total, to_char(${'2026-11-30'}::date, 'YYYY-MM-DD') AS day`,
    );
    expect(() => numbers.value).toThrow(BatchNotRunError);

    sent.length = 0;
    await batch.run(db.manager);
    // One statement carried all three parts (the workers' own queries may be logged beside it).
    const mine = sent.filter((q) => q.includes('generate_series') || q.includes("'YYYY-MM-DD'") || q.includes('AS one'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toContain('generate_series');
    expect(mine[0]).toContain('AS r2');

    expect(numbers.value).toEqual([
      { n: 1, label: 'x1' },
      { n: 2, label: 'x2' },
      { n: 3, label: 'x3' },
    ]);
    expect(none.value).toEqual([]);
    // Selected as text, a bigint stays exact through the batch's JSON.
    expect(big.value).toEqual([{ total: '9007199254740993', day: '2026-11-30' }]);
  });

  it("fails every part with the statement's error when one part fails", async () => {
    const batch = new ReadBatch();
    const fine = batch.add(sql`SELECT 1 AS one`);
    const broken = batch.add(sql`SELECT 1 / ${0}::int AS boom`);
    await expect(batch.run(db.manager)).rejects.toThrow(/division by zero/);
    expect(() => fine.value).toThrow(/division by zero/);
    expect(() => broken.value).toThrow(/division by zero/);
  });

  /** Statements sent, from TypeORM's query log of the test app. */
  const sent: string[] = [];
  beforeAll(() => {
    const logger = t.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      sent.push(query);
      return logQuery(query, parameters, runner);
    };
  });
});
