import type { MigrationInterface, QueryRunner } from 'typeorm';

const TICKET_STATES = `'acknowledged','in_progress','pending','held','resolved','closed','rejected','cancelled'`;

/**
 * Business inquiries and technical-support requests. An inquiry may come
 * from a caller who is not yet a customer, so a case in the index, and an
 * alert on its clocks, may have no customer.
 */
export class InquiriesSupport1795780000000 implements MigrationInterface {
  name = 'InquiriesSupport1795780000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE case_index ALTER COLUMN customer_id DROP NOT NULL`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN customer_id DROP NOT NULL`);
    // Dispatch picks the engineer with the fewest open tickets of any kind (TicketWorkflow.leastBusyEngineer).
    await q.query(`CREATE INDEX case_index_open_assignee_idx ON case_index (assignee_id) WHERE is_open AND assignee_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE inquiries (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_no           text NOT NULL UNIQUE,
        customer_id       uuid REFERENCES customers (id),
        caller_name       text NOT NULL,
        caller_mobile     text NOT NULL CHECK (caller_mobile ~ '^1[3-9][0-9]{9}$'),
        channel           text NOT NULL CHECK (channel IN ('hotline', 'account_manager', 'web', 'walk_in')),
        topic             text NOT NULL CHECK (topic IN ('product', 'tariff', 'network_design', 'order_progress', 'billing', 'other')),
        question          text NOT NULL,
        region            text NOT NULL REFERENCES regions (code),
        urgent            boolean NOT NULL DEFAULT false,
        state             text NOT NULL CHECK (state IN ('open', 'answered', 'closed')),
        priority          smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel     boolean NOT NULL,
        answer            text,
        answered_by       uuid REFERENCES staff (id),
        answered_at       timestamptz,
        converted_to_kind text CHECK (converted_to_kind IN ('order', 'support')),
        converted_to_id   uuid,
        closed_at         timestamptz,
        created_by        uuid REFERENCES staff (id),
        version           integer NOT NULL DEFAULT 1,
        created_at        timestamptz NOT NULL DEFAULT now(),
        updated_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((converted_to_kind IS NULL) = (converted_to_id IS NULL))
      )`);
    await q.query(`CREATE INDEX inquiries_customer_idx ON inquiries (customer_id, created_at DESC) WHERE customer_id IS NOT NULL`);
    await q.query(`CREATE INDEX inquiries_region_idx ON inquiries (region text_pattern_ops, state)`);

    await q.query(`
      CREATE TABLE support_requests (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_no                  text NOT NULL UNIQUE,
        customer_id              uuid NOT NULL REFERENCES customers (id),
        category                 text NOT NULL CHECK (category IN ('network_design', 'system_integration', 'maintenance', 'emergency_communication', 'other')),
        severity                 text NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
        description              text NOT NULL,
        site_id                  uuid REFERENCES customer_sites (id),
        preferred_at             timestamptz,
        contact_name             text,
        contact_mobile           text CHECK (contact_mobile ~ '^1[3-9][0-9]{9}$'),
        region                   text NOT NULL REFERENCES regions (code),
        state                    text NOT NULL CHECK (state IN (${TICKET_STATES})),
        priority                 smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel            boolean NOT NULL,
        green_channel_granted_by uuid REFERENCES staff (id),
        assignee_id              uuid REFERENCES staff (id),
        feedback_score           smallint CHECK (feedback_score BETWEEN 1 AND 5),
        feedback_comment         text,
        feedback_at              timestamptz,
        resolved_at              timestamptz,
        closed_at                timestamptz,
        inquiry_id               uuid UNIQUE REFERENCES inquiries (id),
        created_by               uuid REFERENCES staff (id),
        version                  integer NOT NULL DEFAULT 1,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX support_requests_customer_idx ON support_requests (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX support_requests_region_idx ON support_requests (region text_pattern_ops, state)`);
    await q.query(`CREATE INDEX support_requests_resolved_idx ON support_requests (resolved_at) WHERE state = 'resolved'`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE support_requests`);
    await q.query(`DROP TABLE inquiries`);
    await q.query(`DROP INDEX case_index_open_assignee_idx`);
    await q.query(`DELETE FROM alerts WHERE customer_id IS NULL`);
    await q.query(`ALTER TABLE alerts ALTER COLUMN customer_id SET NOT NULL`);
    await q.query(`DELETE FROM case_index WHERE customer_id IS NULL`);
    await q.query(`ALTER TABLE case_index ALTER COLUMN customer_id SET NOT NULL`);
  }
}
