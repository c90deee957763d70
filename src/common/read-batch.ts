import type { Db, Sql } from './sql';
import { join, preparedRows, raw, sql } from './sql';
import { BatchNotRunError, BatchPart } from './write-batch';

type Row = Record<string, unknown>;

type Outcome = { kind: 'pending' } | { kind: 'done'; rows: Row[] } | { kind: 'failed'; error: unknown };

/**
 * Several SELECTs sent to PostgreSQL as one statement: the reads a request
 * makes before it writes (an order's customer context and the arrears
 * standing) cost one round trip, each module still writing its own SQL —
 * the read-side twin of WriteBatch, with the same BatchPart to read each
 * part's rows once the batch has run.
 *
 * Each part's rows come back through JSON (`json_agg`), so a column arrives
 * as JSON gives it: a timestamp as its ISO text, a bigint or numeric as a
 * number. Parts that need exact big numbers select them as text.
 */
export class ReadBatch {
  private readonly parts: { statement: Sql; outcome: Outcome }[] = [];

  /** Adds one SELECT; its rows (typed by the caller, as `rows<T>` is) are the part's value once the batch has run. */
  add<T = Row>(statement: Sql): BatchPart<T[]> {
    const entry: { statement: Sql; outcome: Outcome } = { statement, outcome: { kind: 'pending' } };
    this.parts.push(entry);
    return new BatchPart(() => {
      const outcome = entry.outcome;
      if (outcome.kind === 'pending') throw new BatchNotRunError();
      if (outcome.kind === 'failed') throw outcome.error;
      return outcome.rows as T[];
    });
  }

  /** Sends every part as one statement and settles every part, with its rows or with the statement's error (rethrown here too). */
  async run(db: Db): Promise<void> {
    const parts = this.parts.splice(0);
    if (!parts.length) return;
    const columns = parts.map(
      (p, i) => sql`(SELECT coalesce(json_agg(${raw(`r${i}`)}), '[]'::json) FROM (${p.statement}) ${raw(`r${i}`)}) AS ${raw(`r${i}`)}`,
    );
    let result: Record<string, Row[]>;
    try {
      [result] = await preparedRows<Record<string, Row[]>>(db, sql`SELECT ${join(columns)}`);
    } catch (error) {
      for (const p of parts) p.outcome = { kind: 'failed', error };
      throw error;
    }
    parts.forEach((p, i) => (p.outcome = { kind: 'done', rows: result[`r${i}`] }));
  }
}
