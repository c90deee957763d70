import type { EntityManager } from 'typeorm';

type Row = Record<string, unknown>;

interface Part {
  sql: string;
  returns: boolean;
  settle: (rows: Row[]) => void;
}

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
  private readonly parts: Part[] = [];
  private readonly params: unknown[] = [];

  /**
   * Adds one INSERT whose `$1…$n` refer to `params`. The promise resolves with
   * its RETURNING rows (as JSON: timestamps are strings) once the batch has
   * run; if the batch fails it never resolves, and `run` throws instead.
   */
  add(sql: string, params: unknown[]): Promise<Row[]> {
    const offset = this.params.length;
    this.params.push(...params);
    const renumbered = sql.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + offset}`);
    return new Promise((settle) => this.parts.push({ sql: renumbered, returns: /\bRETURNING\b/i.test(sql), settle }));
  }

  /** Runs what `fill` adds as a batch of its own (the single-row write paths share their SQL with the batched ones this way). */
  static async alone<T>(em: EntityManager, fill: (batch: WriteBatch) => T): Promise<Awaited<T>> {
    const batch = new WriteBatch();
    const result = fill(batch);
    await batch.run(em);
    return await result;
  }

  get size(): number {
    return this.parts.length;
  }

  async run(em: EntityManager): Promise<void> {
    const parts = this.parts.splice(0);
    const params = this.params.splice(0);
    if (!parts.length) return;
    const ctes = parts.map((p, i) => `w${i} AS (${p.sql})`).join(',\n');
    const returned = parts
      .map((p, i) => (p.returns ? `'w${i}', (SELECT coalesce(json_agg(w${i}), '[]'::json) FROM w${i})` : null))
      .filter(Boolean);
    const [{ r }] = (await em.query(`WITH ${ctes}\nSELECT json_build_object(${returned.join(', ')}) AS r`, params)) as {
      r: Record<string, Row[]>;
    }[];
    parts.forEach((p, i) => p.settle(r[`w${i}`] ?? []));
  }
}
