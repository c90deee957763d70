import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { QueryFailedError } from 'typeorm';
import { preparedRows, sql } from '../../src/common/sql';
import type { TestApp } from '../support/test-app';
import { startTestApp } from '../support/test-app';

/**
 * Named prepared statements for the hot statements (an intake's batch, the
 * lookups): in the caller's transaction when it has one, on the pool
 * otherwise, and failing as any TypeORM query does.
 */
describe('preparedRows', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.dataSource;
  });
  afterAll(() => t.close());

  const marker = () => `test.prepared.${randomUUID()}`;
  const insert = (type: string) => sql`INSERT INTO outbox_events (type, data) VALUES (${type}, '{}'::jsonb) RETURNING type`;
  const find = (type: string) => sql`SELECT type FROM outbox_events WHERE type = ${type}`;

  it('runs as a named statement, parsed once per connection', async () => {
    const type = marker();
    await db.transaction(async (em) => {
      expect(await preparedRows(em, insert(type))).toEqual([{ type }]);
      expect(await preparedRows(em, insert(type))).toEqual([{ type }]);
      const prepared = await em.query<{ n: string }[]>(`SELECT count(*) AS n FROM pg_prepared_statements WHERE statement = $1`, [
        insert(type).text,
      ]);
      expect(Number(prepared[0].n)).toBe(1);
    });
  });

  it("runs inside the caller's transaction: its rows are seen there, and gone with a rollback", async () => {
    const type = marker();
    await expect(
      db.transaction(async (em) => {
        await preparedRows(em, insert(type));
        expect(await preparedRows(em, find(type))).toEqual([{ type }]);
        // Not visible outside before commit: the pool's connections do not see it.
        expect(await preparedRows(db, find(type))).toEqual([]);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(await preparedRows(db.manager, find(type))).toEqual([]);
  });

  it('fails with QueryFailedError carrying PostgreSQL’s code, and writes nothing', async () => {
    const type = marker();
    const failing = sql`INSERT INTO outbox_events (id, type, data) SELECT ${randomUUID()}::uuid, ${type}, '{}'::jsonb FROM generate_series(1, 2)`;
    const error: unknown = await preparedRows(db.manager, failing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as QueryFailedError & { code: string }).code).toBe('23505');
    expect(await preparedRows(db, find(type))).toEqual([]);
  });
});
