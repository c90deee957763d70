import type { MigrationInterface, QueryRunner } from 'typeorm';

const TICKET_STATES = `'acknowledged','in_progress','pending','held','resolved','closed','rejected','cancelled'`;

/**
 * The case kernel (numbers, index, timeline), faults and complaints, the SLA
 * engine (policies, clocks), alerts, and the event outbox with webhooks.
 */
export class CasesSlaAlertsEvents1795750000000 implements MigrationInterface {
  name = 'CasesSlaAlertsEvents1795750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE staff ADD COLUMN on_duty boolean NOT NULL DEFAULT true`);

    // Case numbers: a sequence per prefix, so intake never queues on a counter row.
    for (const prefix of ['flt', 'cmp', 'sup', 'inq', 'ord', 'wo']) await q.query(`CREATE SEQUENCE case_no_${prefix}_seq`);

    await q.query(`
      CREATE TABLE case_index (
        kind          text NOT NULL,
        id            uuid NOT NULL,
        case_no       text NOT NULL UNIQUE,
        customer_id   uuid NOT NULL REFERENCES customers (id),
        region        text NOT NULL REFERENCES regions (code),
        title         text NOT NULL,
        state         text NOT NULL,
        priority      smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel boolean NOT NULL,
        is_open       boolean NOT NULL,
        assignee_id   uuid REFERENCES staff (id),
        opened_at     timestamptz NOT NULL,
        closed_at     timestamptz,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, id)
      )`);
    await q.query(`CREATE INDEX case_index_open_region_idx ON case_index (region text_pattern_ops) WHERE is_open`);
    await q.query(`CREATE INDEX case_index_customer_idx ON case_index (customer_id, is_open, opened_at DESC)`);

    await q.query(`
      CREATE TABLE case_timeline (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        case_kind  text NOT NULL,
        case_id    uuid NOT NULL,
        at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        type       text NOT NULL,
        actor_id   uuid,
        actor_name text,
        data       jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX case_timeline_case_idx ON case_timeline (case_kind, case_id, id)`);

    await q.query(`
      CREATE TABLE faults (
        id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_no                  text NOT NULL UNIQUE,
        customer_id              uuid NOT NULL REFERENCES customers (id),
        category                 text NOT NULL CHECK (category IN ('fault', 'complaint')),
        severity                 text NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
        title                    text NOT NULL,
        description              text NOT NULL,
        reported_via             text NOT NULL CHECK (reported_via IN ('hotline', 'account_manager', 'web', 'email')),
        service_instance_id      uuid REFERENCES service_instances (id),
        site_id                  uuid REFERENCES customer_sites (id),
        region                   text NOT NULL REFERENCES regions (code),
        reporter_name            text NOT NULL,
        reporter_mobile          text NOT NULL CHECK (reporter_mobile ~ '^1[3-9][0-9]{9}$'),
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
        created_by               uuid REFERENCES staff (id),
        version                  integer NOT NULL DEFAULT 1,
        created_at               timestamptz NOT NULL DEFAULT now(),
        updated_at               timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX faults_customer_idx ON faults (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX faults_region_idx ON faults (region text_pattern_ops, state)`);
    await q.query(`CREATE INDEX faults_resolved_idx ON faults (resolved_at) WHERE state = 'resolved'`);

    await q.query(`
      CREATE TABLE sla_policies (
        key                text PRIMARY KEY,
        kind               text NOT NULL,
        priority           smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        response_seconds   integer NOT NULL CHECK (response_seconds > 0),
        resolution_seconds integer NOT NULL CHECK (resolution_seconds > 0),
        warn_at_percent    integer NOT NULL CHECK (warn_at_percent BETWEEN 1 AND 99),
        version            integer NOT NULL DEFAULT 1,
        updated_at         timestamptz NOT NULL DEFAULT now(),
        updated_by         uuid REFERENCES staff (id),
        UNIQUE (kind, priority),
        CHECK (key = kind || ':P' || priority)
      )`);
    const m = 60,
      h = 3600,
      d = 86400;
    const defaults: Record<string, [number, number][]> = {
      fault: [
        [15 * m, 4 * h],
        [30 * m, 8 * h],
        [1 * h, 24 * h],
        [2 * h, 48 * h],
      ],
      complaint: [
        [1 * h, 24 * h],
        [2 * h, 48 * h],
        [4 * h, 72 * h],
        [8 * h, 72 * h],
      ],
      support: [
        [30 * m, 8 * h],
        [2 * h, 3 * d],
        [4 * h, 5 * d],
        [1 * d, 10 * d],
      ],
      inquiry: [
        [1 * h, 4 * h],
        [2 * h, 1 * d],
        [4 * h, 2 * d],
        [8 * h, 3 * d],
      ],
      order: [
        [1 * h, 3 * d],
        [2 * h, 7 * d],
        [4 * h, 10 * d],
        [8 * h, 15 * d],
      ],
    };
    for (const [kind, rows] of Object.entries(defaults)) {
      for (const [i, [response, resolution]] of rows.entries()) {
        await q.query(
          `INSERT INTO sla_policies (key, kind, priority, response_seconds, resolution_seconds, warn_at_percent) VALUES ($1, $2, $3, $4, $5, 75)`,
          [`${kind}:P${i + 1}`, kind, i + 1, response, resolution],
        );
      }
    }

    await q.query(`
      CREATE TABLE sla_clocks (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_kind       text NOT NULL,
        case_id         uuid NOT NULL,
        clock           text NOT NULL CHECK (clock IN ('response', 'resolution')),
        policy_key      text NOT NULL,
        policy_version  integer NOT NULL,
        target_seconds  integer NOT NULL CHECK (target_seconds > 0),
        warn_at_percent integer NOT NULL,
        started_at      timestamptz NOT NULL,
        paused_ms       bigint NOT NULL DEFAULT 0,
        paused_at       timestamptz,
        due_at          timestamptz NOT NULL,
        state           text NOT NULL CHECK (state IN ('running', 'paused', 'stopped')),
        stopped_at      timestamptz,
        generation      integer NOT NULL DEFAULT 1,
        next_level      text,
        next_at         timestamptz,
        breached_at     timestamptz,
        UNIQUE (case_kind, case_id, clock)
      )`);
    await q.query(`CREATE INDEX sla_clocks_next_idx ON sla_clocks (next_at) WHERE state = 'running'`);

    await q.query(`
      CREATE TABLE alerts (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        case_kind       text NOT NULL,
        case_id         uuid NOT NULL,
        case_no         text NOT NULL,
        clock_id        uuid NOT NULL REFERENCES sla_clocks (id),
        clock           text NOT NULL,
        level           text NOT NULL CHECK (level IN ('warning', 'breached', 'escalated_2', 'escalated_3')),
        due_at          timestamptz NOT NULL,
        raised_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        customer_id     uuid NOT NULL REFERENCES customers (id),
        region          text NOT NULL,
        acknowledged_by uuid REFERENCES staff (id),
        acknowledged_at timestamptz,
        -- one alert per (case, clock, level), whatever number of workers race for it
        UNIQUE (case_kind, case_id, clock, level)
      )`);
    await q.query(`CREATE INDEX alerts_open_idx ON alerts (raised_at DESC) WHERE acknowledged_at IS NULL`);
    await q.query(`CREATE INDEX alerts_customer_idx ON alerts (customer_id, raised_at DESC)`);

    await q.query(`
      CREATE TABLE outbox_events (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq         bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        type        text NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        data        jsonb NOT NULL,
        relayed_at  timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_events_unrelayed_idx ON outbox_events (seq) WHERE relayed_at IS NULL`);

    await q.query(`
      CREATE TABLE webhook_subscriptions (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url        text NOT NULL,
        events     text[] NOT NULL CHECK (cardinality(events) > 0),
        secret     text NOT NULL,
        created_by uuid REFERENCES staff (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id),
        event_id         uuid NOT NULL REFERENCES outbox_events (id),
        event_type       text NOT NULL,
        status           text NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
        attempts         integer NOT NULL DEFAULT 0,
        next_attempt_at  timestamptz NOT NULL DEFAULT now(),
        last_status_code integer,
        last_error       text,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (subscription_id, event_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX webhook_deliveries_subscription_idx ON webhook_deliveries (subscription_id, created_at DESC)`);
    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id),
        attempt     integer NOT NULL,
        started_at  timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        status_code integer,
        error       text,
        UNIQUE (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'webhook_delivery_attempts',
      'webhook_deliveries',
      'webhook_subscriptions',
      'outbox_events',
      'alerts',
      'sla_clocks',
      'sla_policies',
      'faults',
      'case_timeline',
      'case_index',
    ])
      await q.query(`DROP TABLE ${t}`);
    for (const prefix of ['flt', 'cmp', 'sup', 'inq', 'ord', 'wo']) await q.query(`DROP SEQUENCE case_no_${prefix}_seq`);
    await q.query(`ALTER TABLE staff DROP COLUMN on_duty`);
  }
}
