import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 4: satisfaction call-backs (满意度回访; docs/ARCHITECTURE.md,
 * "Call-backs"). One call-back per closed fault, complaint or support request
 * at most (`UNIQUE (case_kind, case_id)`: a closed ticket is final, so a case
 * is closed once), its attempts, its own case number (`CB-…`), and the
 * rollup columns reports read call-backs from (docs/REPORTS.md).
 */
export class Callbacks1795930000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE case_no_cb_seq`);
    await q.query(`
      CREATE TABLE callbacks (
        id             uuid PRIMARY KEY,
        callback_no    text NOT NULL UNIQUE,
        case_kind      text NOT NULL CHECK (case_kind IN ('fault', 'complaint', 'support')),
        case_id        uuid NOT NULL,
        case_number    text NOT NULL,
        customer_id    uuid NOT NULL REFERENCES customers (id),
        region         text NOT NULL,
        priority       smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel  boolean NOT NULL,
        selected_by    text NOT NULL CHECK (selected_by IN ('tier', 'green_channel', 'sample')),
        site_id        uuid,
        contact_name   text,
        contact_mobile text CHECK (contact_mobile ~ '^1[3-9][0-9]{9}$'),
        state          text NOT NULL CHECK (state IN ('pending', 'in_progress', 'done', 'unreachable')),
        attempts       smallint NOT NULL DEFAULT 0 CHECK (attempts BETWEEN 0 AND 3),
        assignee_id    uuid REFERENCES staff (id),
        score          smallint CHECK (score BETWEEN 1 AND 5),
        comment        text,
        reasons        text[] NOT NULL DEFAULT '{}',
        due_at         timestamptz NOT NULL,
        finished_at    timestamptz,
        complaint_id   uuid UNIQUE,
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz NOT NULL DEFAULT now(),
        updated_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (case_kind, case_id),
        CHECK ((state = 'done') = (score IS NOT NULL)),
        CHECK ((state IN ('done', 'unreachable')) = (finished_at IS NOT NULL)),
        CHECK (complaint_id IS NULL OR (state = 'done' AND score <= 2))
      )`);
    await q.query(`CREATE INDEX callbacks_region_idx ON callbacks (region text_pattern_ops, state, due_at)`);
    await q.query(`CREATE INDEX callbacks_customer_idx ON callbacks (customer_id)`);
    // what the nightly report build reads by time
    await q.query(`CREATE INDEX callbacks_created_at_idx ON callbacks (created_at)`);
    await q.query(`CREATE INDEX callbacks_finished_at_idx ON callbacks (finished_at) WHERE finished_at IS NOT NULL`);
    await q.query(`
      CREATE TABLE callback_attempts (
        callback_id uuid NOT NULL REFERENCES callbacks (id),
        n           smallint NOT NULL CHECK (n BETWEEN 1 AND 3),
        reached     boolean NOT NULL,
        score       smallint CHECK (score BETWEEN 1 AND 5),
        comment     text,
        reasons     text[] NOT NULL DEFAULT '{}',
        by_id       uuid REFERENCES staff (id),
        by_name     text NOT NULL,
        at          timestamptz NOT NULL,
        PRIMARY KEY (callback_id, n)
      )`);
    for (const column of [
      'callbacks_created',
      'callbacks_done',
      'callbacks_unreachable',
      'callbacks_on_time',
      'callbacks_score_sum',
      'callbacks_low_score',
    ]) {
      await q.query(`ALTER TABLE report_daily_cases ADD COLUMN ${column} integer NOT NULL DEFAULT 0`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const column of [
      'callbacks_created',
      'callbacks_done',
      'callbacks_unreachable',
      'callbacks_on_time',
      'callbacks_score_sum',
      'callbacks_low_score',
    ]) {
      await q.query(`ALTER TABLE report_daily_cases DROP COLUMN ${column}`);
    }
    await q.query(`DROP TABLE callback_attempts`);
    await q.query(`DROP TABLE callbacks`);
    await q.query(`DROP SEQUENCE case_no_cb_seq`);
  }
}
