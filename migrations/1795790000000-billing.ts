import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Billing settlement (issue 5). Money is integer fen in bigint columns
 * everywhere; the CHECKs are the last line of defence behind the service's
 * row locks (a bill line is never paid beyond what it is due, a payment is
 * never allocated beyond its amount).
 */
export class Billing1795790000000 implements MigrationInterface {
  name = 'Billing1795790000000';

  async up(q: QueryRunner): Promise<void> {
    // One row per customer with billing activity: the row every money movement of
    // that customer locks (SELECT … FOR UPDATE), so payments, reversals and the
    // bill run's credit consumption for one customer run one at a time.
    await q.query(`
      CREATE TABLE billing_accounts (
        customer_id uuid PRIMARY KEY REFERENCES customers (id),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE bill_runs (
        id              uuid PRIMARY KEY,
        period          text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        state           text NOT NULL CHECK (state IN ('running', 'completed')),
        customers_total integer NOT NULL,
        started_by      uuid REFERENCES staff (id),
        started_at      timestamptz NOT NULL DEFAULT now(),
        completed_at    timestamptz
      )`);

    // One row per customer the run found with unbilled charges: 'pending' until its
    // job has run; the progress of a run is the share of rows no longer pending, and
    // a sweep re-enqueues the pending ones if their jobs were lost with Redis.
    await q.query(`
      CREATE TABLE bill_run_items (
        bill_run_id  uuid NOT NULL REFERENCES bill_runs (id),
        customer_id  uuid NOT NULL REFERENCES customers (id),
        outcome      text NOT NULL CHECK (outcome IN ('pending', 'billed', 'already_billed', 'nothing_to_bill', 'net_credit')),
        bill_id      uuid,
        processed_at timestamptz,
        PRIMARY KEY (bill_run_id, customer_id)
      )`);
    await q.query(`CREATE INDEX bill_run_items_pending_idx ON bill_run_items (bill_run_id) WHERE outcome = 'pending'`);

    await q.query(`
      CREATE TABLE bills (
        id           uuid PRIMARY KEY,
        bill_no      text NOT NULL UNIQUE,
        customer_id  uuid NOT NULL REFERENCES billing_accounts (customer_id),
        period       text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        bill_run_id  uuid REFERENCES bill_runs (id),
        total_fen    bigint NOT NULL CHECK (total_fen >= 0),
        paid_fen     bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= total_fen),
        state        text NOT NULL CHECK (state IN ('issued', 'partially_paid', 'paid')),
        charge_count integer NOT NULL,
        issue_date   date NOT NULL,
        due_date     date NOT NULL,
        issued_at    timestamptz NOT NULL DEFAULT now(),
        -- the guarantee behind "one bill per customer and period", whatever runs at once
        UNIQUE (customer_id, period)
      )`);
    await q.query(`CREATE INDEX bills_open_idx ON bills (customer_id, issue_date, id) WHERE state <> 'paid'`);
    await q.query(`CREATE INDEX bills_overdue_idx ON bills (due_date) WHERE state <> 'paid'`);

    // amount_fen is what the region's charges add up to (negative adjustments
    // included); due_fen is what the customer owes on the line after another
    // line's net credit was netted against it, never below zero.
    await q.query(`
      CREATE TABLE bill_lines (
        id             uuid PRIMARY KEY,
        bill_id        uuid NOT NULL REFERENCES bills (id),
        serving_region text NOT NULL REFERENCES regions (code),
        amount_fen     bigint NOT NULL,
        due_fen        bigint NOT NULL CHECK (due_fen >= 0),
        paid_fen       bigint NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= due_fen),
        charge_count   integer NOT NULL,
        UNIQUE (bill_id, serving_region)
      )`);

    await q.query(`
      CREATE TABLE billing_charges (
        id                  uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id         uuid NOT NULL REFERENCES billing_accounts (customer_id),
        service_region      text NOT NULL REFERENCES regions (code),
        service_instance_id uuid REFERENCES service_instances (id),
        period              text NOT NULL CHECK (period ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
        kind                text NOT NULL CHECK (kind IN ('recurring', 'usage', 'one_off', 'adjustment')),
        amount_fen          bigint NOT NULL CHECK (amount_fen <> 0 AND (kind = 'adjustment' OR amount_fen > 0)),
        description         text NOT NULL,
        source_ref          text NOT NULL,
        -- deferred: the bill run marks the charges and inserts their bill in one transaction
        bill_id             uuid REFERENCES bills (id) DEFERRABLE INITIALLY DEFERRED,
        posted_by           uuid REFERENCES staff (id),
        posted_at           timestamptz NOT NULL DEFAULT now(),
        -- a regional system may resend a batch: its reference is unique within its region
        UNIQUE (service_region, source_ref)
      )`);
    await q.query(`CREATE INDEX billing_charges_unbilled_idx ON billing_charges (customer_id, period) WHERE bill_id IS NULL`);
    await q.query(`CREATE INDEX billing_charges_bill_idx ON billing_charges (bill_id)`);

    await q.query(`
      CREATE TABLE payments (
        id               uuid PRIMARY KEY,
        customer_id      uuid NOT NULL REFERENCES billing_accounts (customer_id),
        amount_fen       bigint NOT NULL CHECK (amount_fen > 0),
        -- allocated_fen < amount_fen: the rest is the customer's credit
        allocated_fen    bigint NOT NULL DEFAULT 0 CHECK (allocated_fen >= 0 AND allocated_fen <= amount_fen),
        collected_region text NOT NULL REFERENCES regions (code),
        method           text NOT NULL CHECK (method IN ('cash', 'bank_transfer', 'pos', 'online')),
        reference        text,
        received_by      uuid REFERENCES staff (id),
        received_at      timestamptz NOT NULL DEFAULT now(),
        reversed_at      timestamptz,
        reversed_by      uuid REFERENCES staff (id),
        reversal_reason  text
      )`);
    await q.query(`CREATE INDEX payments_customer_idx ON payments (customer_id, received_at)`);
    await q.query(`CREATE INDEX payments_received_idx ON payments (received_at)`);
    await q.query(
      `CREATE INDEX payments_credit_idx ON payments (customer_id, received_at, id) WHERE reversed_at IS NULL AND allocated_fen < amount_fen`,
    );

    await q.query(`
      CREATE TABLE payment_allocations (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        payment_id   uuid NOT NULL REFERENCES payments (id),
        bill_id      uuid NOT NULL REFERENCES bills (id),
        bill_line_id uuid NOT NULL REFERENCES bill_lines (id),
        amount_fen   bigint NOT NULL CHECK (amount_fen > 0),
        allocated_at timestamptz NOT NULL DEFAULT now(),
        reversed_at  timestamptz
      )`);
    await q.query(`CREATE INDEX payment_allocations_payment_idx ON payment_allocations (payment_id)`);
    await q.query(`CREATE INDEX payment_allocations_bill_idx ON payment_allocations (bill_id)`);

    // The aging bucket each overdue customer was last told about: arrears.overdue
    // is raised once per bucket entered; a customer who pays up is forgotten.
    await q.query(`
      CREATE TABLE arrears_notices (
        customer_id uuid NOT NULL REFERENCES customers (id),
        bucket      text NOT NULL CHECK (bucket IN ('0-30', '31-60', '61-90', '90+')),
        raised_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, bucket)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'arrears_notices',
      'payment_allocations',
      'payments',
      'billing_charges',
      'bill_lines',
      'bills',
      'bill_run_items',
      'bill_runs',
      'billing_accounts',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
  }
}
