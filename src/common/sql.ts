import type { EntityManager } from 'typeorm';
import type { Sql } from 'sql-template-tag';

/**
 * SQL is written as tagged templates (`sql\`… WHERE id = ${id}\``): the tag
 * numbers the parameters, so no `$n` is ever counted by hand, and fragments
 * nest (`join`, `raw` for identifiers the code itself chooses, `empty`).
 * Each module keeps its statements in its own repository file.
 */
export { default as sql, join, raw, empty, bulk, Sql } from 'sql-template-tag';

/** Anything that runs a query: a transaction's EntityManager, or the DataSource's. */
export type Db = Pick<EntityManager, 'query'>;

/** PostgreSQL through TypeORM answers UPDATE and DELETE with `[rows, affected]`, everything else with the rows. */
function isCountedResult(result: unknown): result is [unknown[], number] {
  return Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number';
}

/** The rows a statement returns (a SELECT, or any statement with RETURNING). */
export async function rows<T>(db: Db, statement: Sql): Promise<T[]> {
  const result: unknown = await db.query(statement.text, statement.values);
  return (isCountedResult(result) ? result[0] : result) as T[];
}

/** The first row a statement returns, or undefined. */
export async function firstRow<T>(db: Db, statement: Sql): Promise<T | undefined> {
  return (await rows<T>(db, statement))[0];
}

/** How many rows an UPDATE or DELETE touched. */
export async function affected(db: Db, statement: Sql): Promise<number> {
  const result: unknown = await db.query(statement.text, statement.values);
  return isCountedResult(result) ? result[1] : Array.isArray(result) ? result.length : 0;
}

/** Runs a statement whose result is not needed (an INSERT without RETURNING, a lock). */
export async function execute(db: Db, statement: Sql): Promise<void> {
  await db.query(statement.text, statement.values);
}
