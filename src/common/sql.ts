import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
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

/**
 * How many statement texts run as named prepared statements. PostgreSQL keeps
 * each one, with its plan, on every pooled connection until the connection
 * closes (a fault intake's write statement: ~135 kB, its context read ~60 kB,
 * measured with pg_log_backend_memory_contexts), so only the first texts seen
 * get a name (the hot ones: an intake's batch, a lookup, each a few shapes):
 * at most a few MB per connection. Any later text runs unnamed, as every
 * other statement does.
 */
const PREPARED_TEXTS_MAX = 32;
/** Statement text → its prepared statement's name. */
const preparedNames = new Map<string, string>();

function preparedName(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (!name && preparedNames.size < PREPARED_TEXTS_MAX) {
    name = `focus_one_${createHash('sha256').update(text).digest('base64url').slice(0, 32)}`;
    preparedNames.set(text, name);
  }
  return name;
}

/**
 * The rows of a hot statement, as a named prepared statement: PostgreSQL
 * parses it once per pooled connection and, after a few runs, keeps one plan
 * for it. For an indexed lookup planning costs more than running (0.15–0.2 ms
 * against 0.06 ms for the customer search by mobile), and an intake's one
 * write statement spent more of PostgreSQL's CPU being parsed and planned
 * than being run (issue 15 point 3 in docs/PERFORMANCE.md); the server shares
 * its cores with PostgreSQL. Only for statements whose text comes from a
 * fixed set of shapes (values are parameters). Runs in `db`'s transaction
 * when it has one, else on the pool; logged like any query, and a failure
 * is TypeORM's QueryFailedError, as from `rows`.
 */
export async function preparedRows<T>(db: Db | DataSource, statement: Sql): Promise<T[]> {
  const { text, values } = statement;
  const name = preparedName(text);
  const dataSource = db instanceof DataSource ? db : db instanceof EntityManager ? db.connection : undefined;
  if (!name || !dataSource) return rows<T>(db instanceof DataSource ? db.manager : db, statement);
  const runner = db instanceof EntityManager ? db.queryRunner : undefined;
  if (runner?.isReleased) return rows<T>(db, statement); // TypeORM's own error for a finished transaction
  const client: Pick<Pool, 'query'> = runner
    ? await (runner as unknown as { connect(): Promise<Pick<Pool, 'query'>> }).connect()
    : (dataSource.driver as unknown as { master: Pool }).master;
  dataSource.logger.logQuery(text, values, runner);
  try {
    return (await client.query({ name, text, values })).rows as T[];
  } catch (error) {
    dataSource.logger.logQueryError(error as Error, text, values, runner);
    throw new QueryFailedError(text, values, error as Error);
  }
}
