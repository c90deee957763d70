import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14 (performance): the nightly build reads the allocations made or
 * reversed after the day it builds (arrears at the end of that day,
 * src/reports/reports.repository.ts); allocations had an index by when they
 * were made, not by when they were reversed (few are).
 */
export class ReportAllocationReversals1795950000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX payment_allocations_reversed_at_idx ON payment_allocations (reversed_at) WHERE reversed_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX payment_allocations_reversed_at_idx`);
  }
}
