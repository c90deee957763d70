import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The billing office's guards and lists (README, "Billing"):
 * - a bank reference is the real idempotency key of a transfer: one live
 *   payment per (customer, collecting region, reference), unless a director
 *   let a duplicate through (`duplicate_reference_allowed`). Reversed payments
 *   leave the index, so a payment entered wrongly can be reversed and entered
 *   again. Duplicates already stored are marked allowed before the index is
 *   built, so the migration never fails on old data;
 * - a bill whose period-based due date fell before its issue date is due
 *   BILL_DUE_DAYS after the issue date instead, and remembers it;
 * - indexes behind the new lists (charges by customer, bill runs newest first).
 */
export class BillingOffice1795824000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE payments ADD COLUMN duplicate_reference_allowed boolean NOT NULL DEFAULT false`);
    await q.query(`
      UPDATE payments p SET duplicate_reference_allowed = true
        FROM (SELECT id, row_number() OVER (PARTITION BY customer_id, collected_region, reference ORDER BY received_at, id) AS n
                FROM payments WHERE reference IS NOT NULL AND reversed_at IS NULL) d
       WHERE p.id = d.id AND d.n > 1`);
    await q.query(`
      CREATE UNIQUE INDEX payments_reference_uq ON payments (customer_id, collected_region, reference)
       WHERE reference IS NOT NULL AND reversed_at IS NULL AND NOT duplicate_reference_allowed`);
    await q.query(`ALTER TABLE bills ADD COLUMN due_date_adjusted boolean NOT NULL DEFAULT false`);
    await q.query(`CREATE INDEX billing_charges_customer_idx ON billing_charges (customer_id, period)`);
    await q.query(`CREATE INDEX billing_charges_posted_idx ON billing_charges (posted_at DESC, id DESC)`);
    await q.query(`CREATE INDEX bill_runs_started_idx ON bill_runs (started_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bill_runs_started_idx`);
    await q.query(`DROP INDEX billing_charges_posted_idx`);
    await q.query(`DROP INDEX billing_charges_customer_idx`);
    await q.query(`ALTER TABLE bills DROP COLUMN due_date_adjusted`);
    await q.query(`DROP INDEX payments_reference_uq`);
    await q.query(`ALTER TABLE payments DROP COLUMN duplicate_reference_allowed`);
  }
}
