import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14, point 5: abnormal-customer warnings (异常客户预警,
 * docs/REPORTS.md "Customer warnings"). One row per customer, signal and
 * China ISO week: the unique key is what makes the `customer.warning` event
 * once per week whatever number of evaluations run at once. Evaluations
 * (the 06:00 job and admins' requests) are rows too, so their progress is
 * read from PostgreSQL.
 */
export class CustomerWarnings1795940000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE customer_warning_evaluations (
        id           uuid PRIMARY KEY,
        trigger      text NOT NULL CHECK (trigger IN ('schedule', 'request')),
        requested_by uuid REFERENCES staff (id),
        state        text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
        window_end   timestamptz,
        week         text,
        result       jsonb,
        error        text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        started_at   timestamptz,
        finished_at  timestamptz
      )`);
    await q.query(
      `CREATE INDEX customer_warning_evaluations_queued_idx ON customer_warning_evaluations (created_at) WHERE state = 'queued'`,
    );

    await q.query(`
      CREATE TABLE customer_warnings (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id       uuid NOT NULL REFERENCES customers (id),
        signal            text NOT NULL CHECK (signal IN ('fault_spike', 'repeated_complaints', 'sla_breaches', 'arrears', 'bill_drop',
                                                          'low_callback_score')),
        -- the China ISO week of the evaluation that raised it, e.g. 2026-W49
        week              text NOT NULL CHECK (week ~ '^[0-9]{4}-W[0-9]{2}$'),
        -- for signals about one event (a bucket entered, a bill period, a call-back): which one, so it warns once
        occurrence        text,
        state             text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'acknowledged')),
        region            text NOT NULL,
        figures           jsonb NOT NULL,
        thresholds        jsonb NOT NULL,
        evaluation_id     uuid REFERENCES customer_warning_evaluations (id),
        raised_at         timestamptz NOT NULL DEFAULT now(),
        last_evaluated_at timestamptz NOT NULL DEFAULT now(),
        acknowledged_by   uuid REFERENCES staff (id),
        acknowledged_at   timestamptz,
        ack_note          text,
        version           integer NOT NULL DEFAULT 1,
        UNIQUE (customer_id, signal, week)
      )`);
    await q.query(`CREATE INDEX customer_warnings_raised_idx ON customer_warnings (raised_at DESC, id)`);
    await q.query(`CREATE INDEX customer_warnings_open_customer_idx ON customer_warnings (customer_id) WHERE state = 'open'`);
    await q.query(
      `CREATE INDEX customer_warnings_occurrence_idx ON customer_warnings (customer_id, signal, occurrence) WHERE occurrence IS NOT NULL`,
    );
    // the signals' windows over faults and complaints, read from the index alone (customer, kind and state
    // included: at 1,000,000 cases the 90-day fault window took 1.1 s through the table, 0.27 s from this
    // index; docs/PERFORMANCE.md, "Customer warnings"). The reports' indexes cover alerts and bills.
    await q.query(
      `CREATE INDEX case_index_tickets_opened_idx ON case_index (opened_at) INCLUDE (customer_id, kind, state) WHERE kind IN ('fault', 'complaint')`,
    );
    // bill_drop reads four periods of every customer's bills
    await q.query(`CREATE INDEX bills_period_idx ON bills (period) INCLUDE (customer_id, total_fen)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX bills_period_idx`);
    await q.query(`DROP INDEX case_index_tickets_opened_idx`);
    await q.query(`DROP TABLE customer_warnings`);
    await q.query(`DROP TABLE customer_warning_evaluations`);
  }
}
