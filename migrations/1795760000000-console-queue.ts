import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The console queue (GET /console/queue) orders every open case by its SLA
 * clocks. This partial covering index holds just the clocks that can matter
 * to that order — running or paused, or breached — with what the order reads,
 * so the queue joins open cases to clocks by index-only scans (nested-loop
 * probes for a city's scope, a hash join for the whole country) and never
 * reads sla_clocks, which grows with every case ever opened: every clock of a
 * finished case is stopped, so the index stays near the size of the open work
 * (plus the breached clocks of history). The predicate must match the one the
 * query writes (src/console/case-urgency.ts) for the planner to use it.
 */
export class ConsoleQueue1795760000000 implements MigrationInterface {
  name = 'ConsoleQueue1795760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX sla_clocks_live_idx ON sla_clocks (case_kind, case_id, clock)
        INCLUDE (state, due_at, breached_at)
        WHERE state <> 'stopped' OR breached_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sla_clocks_live_idx`);
  }
}
