import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 12, points 3 and 4: SLA clocks run in working time.
 *
 * Policies name a calendar for each clock (docs/ARCHITECTURE.md, "SLA in
 * working time"): faults, complaints and support P1 and faults and
 * complaints P2 run 24x7; every other policy runs on `workday`. A policy
 * moved to `workday` keeps its hours as working hours and counts its whole
 * days as working days (9 working hours each: a 3-day order commitment
 * becomes 3 working days, 27 h), and its version moves on, so cases opened
 * from now record it. Customers whose contract asks for 24×7 on everything
 * get `contract_24x7`.
 *
 * Clocks record their calendar, the working time consumed before their
 * running stretch (worked_ms) and when that stretch began (resumed_at), and
 * every level's instant. Clocks already running were laid out on 24x7, and
 * stay on it: under 24x7, resumed_at = started_at + paused_ms and
 * worked_ms = 0 give the same instants as before.
 */
export class SlaWorkingTime1795890000000 implements MigrationInterface {
  name = 'SlaWorkingTime1795890000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sla_policies
        ADD COLUMN response_calendar   text NOT NULL DEFAULT '24x7' REFERENCES calendars (key),
        ADD COLUMN resolution_calendar text NOT NULL DEFAULT '24x7' REFERENCES calendars (key)`);
    const workday = `NOT ((kind IN ('fault', 'complaint', 'support') AND priority = 1) OR (kind IN ('fault', 'complaint') AND priority = 2))`;
    const inWorkingDays = (col: string) => `CASE WHEN ${col} % 86400 = 0 THEN ${col} / 86400 * 32400 ELSE ${col} END`;
    await q.query(`
      UPDATE sla_policies
         SET response_calendar = 'workday', resolution_calendar = 'workday',
             response_seconds = ${inWorkingDays('response_seconds')},
             resolution_seconds = ${inWorkingDays('resolution_seconds')},
             version = version + 1, updated_at = now()
       WHERE ${workday}`);
    await q.query(`ALTER TABLE customers ADD COLUMN contract_24x7 boolean NOT NULL DEFAULT false`);

    await q.query(`
      ALTER TABLE sla_clocks
        ADD COLUMN calendar_key  text NOT NULL DEFAULT '24x7' REFERENCES calendars (key),
        ADD COLUMN worked_ms     bigint NOT NULL DEFAULT 0 CHECK (worked_ms >= 0),
        ADD COLUMN resumed_at    timestamptz,
        ADD COLUMN warn_at       timestamptz,
        ADD COLUMN escalate_2_at timestamptz,
        ADD COLUMN escalate_3_at timestamptz`);
    await q.query(`ALTER TABLE sla_clocks ALTER COLUMN calendar_key DROP DEFAULT`);
    const ms = (n: string) => `make_interval(secs => ${n} / 1000.0)`;
    const share = (pct: string) => `make_interval(secs => target_seconds * ${pct} / 100.0)`;
    await q.query(`
      UPDATE sla_clocks
         SET resumed_at = CASE WHEN state = 'running' THEN started_at + ${ms('paused_ms')} END,
             worked_ms = CASE state
                           WHEN 'running' THEN 0
                           ELSE greatest(0, floor(extract(epoch FROM coalesce(paused_at, stopped_at) - started_at) * 1000) - paused_ms)
                         END,
             warn_at = CASE WHEN state = 'running' THEN started_at + ${ms('paused_ms')} + ${share('warn_at_percent')} END,
             escalate_2_at = CASE WHEN state = 'running' THEN started_at + ${ms('paused_ms')} + ${share('150')} END,
             escalate_3_at = CASE WHEN state = 'running' THEN started_at + ${ms('paused_ms')} + ${share('200')} END`);
    await q.query(`ALTER TABLE sla_clocks ADD CONSTRAINT sla_clocks_running_laid_out CHECK (state <> 'running' OR resumed_at IS NOT NULL)`);
    await q.query(`CREATE INDEX sla_clocks_running_calendar_idx ON sla_clocks (calendar_key) WHERE state = 'running'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX sla_clocks_running_calendar_idx`);
    await q.query(`ALTER TABLE sla_clocks DROP CONSTRAINT sla_clocks_running_laid_out`);
    await q.query(`
      ALTER TABLE sla_clocks
        DROP COLUMN escalate_3_at, DROP COLUMN escalate_2_at, DROP COLUMN warn_at,
        DROP COLUMN resumed_at, DROP COLUMN worked_ms, DROP COLUMN calendar_key`);
    await q.query(`ALTER TABLE customers DROP COLUMN contract_24x7`);
    await q.query(`
      UPDATE sla_policies
         SET response_seconds = CASE WHEN response_seconds % 32400 = 0 THEN response_seconds / 32400 * 86400 ELSE response_seconds END,
             resolution_seconds = CASE WHEN resolution_seconds % 32400 = 0 THEN resolution_seconds / 32400 * 86400 ELSE resolution_seconds END,
             version = version + 1, updated_at = now()
       WHERE response_calendar = 'workday' OR resolution_calendar = 'workday'`);
    await q.query(`ALTER TABLE sla_policies DROP COLUMN resolution_calendar, DROP COLUMN response_calendar`);
  }
}
