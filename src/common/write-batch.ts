import type { Db, Sql } from './sql';
import { join, preparedRows, raw, sql } from './sql';

type Row = Record<string, unknown>;

/** Reading a part's rows before its batch has run: a programming error, raised at once. */
export class BatchNotRunError extends Error {
  constructor() {
    super('WriteBatch part read before batch.run() finished: run the batch first, then read its parts');
  }
}

/**
 * What one part of a batch returns, available once the batch has run. Not a
 * promise on purpose: a promise that only settles when `run` is called hangs
 * whoever awaits it first, and one that rejects unobserved crashes the
 * process. A part is read synchronously after `await batch.run(db)`; reading
 * it earlier throws `BatchNotRunError`, reading it after a failed run throws
 * the batch's error.
 */
export class BatchPart<T> {
  constructor(private readonly read: () => T) {}

  get value(): T {
    return this.read();
  }

  /** A part whose value is derived from this one's (read as lazily as this one). */
  map<U>(derive: (value: T) => U): BatchPart<U> {
    return new BatchPart(() => derive(this.read()));
  }
}

type Outcome = { kind: 'pending' } | { kind: 'done'; rows: Row[] } | { kind: 'failed'; error: unknown };

/**
 * Several INSERTs sent to PostgreSQL as one statement, each a data-modifying
 * CTE: one round trip instead of one per table. Each module still writes its
 * own table's SQL (the case module adds its row, the SLA engine its clocks, the
 * outbox its event…); the batch only carries them together. PostgreSQL runs
 * every part exactly once and checks foreign keys at the end of the statement,
 * so a child row may sit in the same batch as its parent.
 *
 * The parts share one snapshot: a part cannot read what another part writes.
 * Batches are for independent inserts, not read-modify-write.
 */
export class WriteBatch {
  private readonly parts: { statement: Sql; returns: boolean; outcome: Outcome }[] = [];

  /** Adds one statement (an INSERT, possibly with RETURNING); its rows are the part's value once the batch has run. */
  add(statement: Sql): BatchPart<Row[]> {
    const entry: { statement: Sql; returns: boolean; outcome: Outcome } = {
      statement,
      returns: /\bRETURNING\b/i.test(statement.text),
      outcome: { kind: 'pending' },
    };
    this.parts.push(entry);
    return new BatchPart(() => {
      const outcome = entry.outcome;
      if (outcome.kind === 'pending') throw new BatchNotRunError();
      if (outcome.kind === 'failed') throw outcome.error;
      return outcome.rows;
    });
  }

  /** Runs what `fill` adds as a batch of its own (the single-row write paths share their SQL with the batched ones this way). */
  static async alone<T>(db: Db, fill: (batch: WriteBatch) => T): Promise<T> {
    const batch = new WriteBatch();
    const result = fill(batch);
    await batch.run(db);
    return result;
  }

  get size(): number {
    return this.parts.length;
  }

  /** Sends every part as one statement and settles every part, with its rows or with the statement's error (rethrown here too). */
  async run(db: Db): Promise<void> {
    const parts = this.parts.splice(0);
    if (!parts.length) return;
    const ctes = parts.map((p, i) => sql`${raw(`w${i}`)} AS (${p.statement})`);
    const returned = parts.flatMap((p, i) =>
      p.returns ? [sql`${raw(`'w${i}'`)}, (SELECT coalesce(json_agg(${raw(`w${i}`)}), '[]'::json) FROM ${raw(`w${i}`)})`] : [],
    );
    const outcome = returned.length ? sql`json_build_object(${join(returned)})` : sql`'{}'::json`;
    let result: Record<string, Row[]>;
    try {
      [{ r: result }] = await preparedRows<{ r: Record<string, Row[]> }>(db, sql`WITH ${join(ctes, ',\n')}\nSELECT ${outcome} AS r`);
    } catch (error) {
      for (const p of parts) p.outcome = { kind: 'failed', error };
      throw error;
    }
    parts.forEach((p, i) => (p.outcome = { kind: 'done', rows: result[`w${i}`] ?? [] }));
  }
}
