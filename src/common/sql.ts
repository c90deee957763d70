import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
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

/** Statement text → its prepared statement's name (bounded: the texts are the code's own few shapes). */
const preparedNames = new Map<string, string>();

/**
 * The rows of a hot read, as a named prepared statement: PostgreSQL parses
 * it once per pooled connection and, after a few runs, keeps one plan for
 * it. For an indexed lookup planning costs more than running (0.15–0.2 ms
 * against 0.06 ms for the customer search by mobile, issue 15 point 3 in
 * docs/PERFORMANCE.md), and the server shares its cores with PostgreSQL.
 * Only for statements whose text comes from a fixed set of shapes (values
 * are parameters): each text is prepared once on every connection. Runs on
 * the DataSource's pool, outside any transaction, logged like any query.
 */
export async function preparedRows<T>(dataSource: DataSource, statement: Sql): Promise<T[]> {
  const text = statement.text;
  let name = preparedNames.get(text);
  if (!name) {
    name = `focus_one_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    if (preparedNames.size < 1000) preparedNames.set(text, name);
  }
  dataSource.logger.logQuery(text, statement.values);
  const pool = (dataSource.driver as unknown as { master: Pool }).master;
  return (await pool.query({ name, text, values: statement.values })).rows as T[];
}
