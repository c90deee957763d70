import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product rules for orders (allowed actions, lead times), orders with their
 * items, one regional work order per region, and each region's dispatch
 * endpoint.
 */
const RULES: [code: string, actions: string[], leadTimeDays: number][] = [
  ['DIA', ['add', 'modify', 'terminate'], 10],
  ['MPLS_VPN', ['add', 'modify', 'terminate'], 15],
  ['SDWAN', ['add', 'modify', 'terminate'], 7],
  ['IDC_RACK', ['add', 'modify', 'terminate'], 5],
  ['CLOUD_HOST', ['add', 'modify', 'terminate'], 1],
  ['VIDEO_CONF', ['add', 'modify', 'terminate'], 3],
  ['CONF_CALL', ['add', 'modify', 'terminate'], 1],
  // an emergency deployment is booked or called off, never resized in place
  ['EMERGENCY_COMM', ['add', 'terminate'], 1],
];

const ORDER_STATES = `'acknowledged','in_progress','completed','partial','failed','rejected','cancelled'`;
const WORK_ORDER_STATES = `'pending','dispatched','in_progress','completed','failed','cancelled'`;

export class Orders1795770000000 implements MigrationInterface {
  name = 'Orders1795770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE products
        ADD COLUMN allowed_actions text[] NOT NULL DEFAULT '{add,modify,terminate}'
          CHECK (cardinality(allowed_actions) > 0 AND allowed_actions <@ ARRAY['add','modify','terminate']),
        ADD COLUMN lead_time_days integer NOT NULL DEFAULT 10 CHECK (lead_time_days BETWEEN 1 AND 365)`);
    for (const [code, actions, days] of RULES) {
      await q.query(`UPDATE products SET allowed_actions = $2, lead_time_days = $3 WHERE code = $1`, [code, actions, days]);
    }

    await q.query(`
      CREATE TABLE orders (
        id                      uuid PRIMARY KEY,
        case_no                 text NOT NULL UNIQUE,
        customer_id             uuid NOT NULL REFERENCES customers (id),
        accepted_region         text NOT NULL REFERENCES regions (code),
        contract_no             text,
        urgent                  boolean NOT NULL,
        requested_completion_at timestamptz,
        committed_completion_at timestamptz NOT NULL,
        note                    text,
        state                   text NOT NULL CHECK (state IN (${ORDER_STATES})),
        priority                smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel           boolean NOT NULL,
        arrears_overridden_by   uuid REFERENCES staff (id),
        cancel_reason           text,
        created_by              uuid REFERENCES staff (id),
        version                 integer NOT NULL DEFAULT 1,
        created_at              timestamptz NOT NULL,
        updated_at              timestamptz NOT NULL,
        closed_at               timestamptz
      )`);
    await q.query(`CREATE INDEX orders_customer_idx ON orders (customer_id, created_at DESC)`);
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id)`);

    await q.query(`
      CREATE TABLE work_orders (
        id             uuid PRIMARY KEY,
        case_no        text NOT NULL UNIQUE,
        order_id       uuid NOT NULL REFERENCES orders (id),
        customer_id    uuid NOT NULL REFERENCES customers (id),
        region         text NOT NULL REFERENCES regions (code),
        state          text NOT NULL CHECK (state IN (${WORK_ORDER_STATES})),
        priority       smallint NOT NULL CHECK (priority BETWEEN 1 AND 4),
        green_channel  boolean NOT NULL,
        due_at         timestamptz NOT NULL,
        dispatched_via text CHECK (dispatched_via IN ('webhook', 'console')),
        dispatched_at  timestamptz,
        reason         text,
        version        integer NOT NULL DEFAULT 1,
        created_at     timestamptz NOT NULL,
        updated_at     timestamptz NOT NULL,
        closed_at      timestamptz,
        UNIQUE (order_id, region)
      )`);
    await q.query(`CREATE INDEX work_orders_region_idx ON work_orders (region text_pattern_ops, state)`);
    await q.query(`CREATE INDEX work_orders_pending_idx ON work_orders (created_at) WHERE state = 'pending'`);

    await q.query(`
      CREATE TABLE order_items (
        id                  uuid PRIMARY KEY,
        order_id            uuid NOT NULL REFERENCES orders (id),
        work_order_id       uuid NOT NULL REFERENCES work_orders (id),
        line_no             smallint NOT NULL,
        action              text NOT NULL CHECK (action IN ('add', 'modify', 'terminate')),
        product_code        text NOT NULL REFERENCES products (code),
        site_id             uuid NOT NULL REFERENCES customer_sites (id),
        service_instance_id uuid REFERENCES service_instances (id),
        quantity            integer NOT NULL CHECK (quantity > 0),
        attributes          jsonb NOT NULL DEFAULT '{}',
        UNIQUE (order_id, line_no)
      )`);
    await q.query(`CREATE INDEX order_items_work_order_idx ON order_items (work_order_id)`);

    await q.query(`
      CREATE TABLE region_dispatch_endpoints (
        region     text PRIMARY KEY REFERENCES regions (code),
        url        text NOT NULL,
        secret     text NOT NULL,
        updated_by uuid REFERENCES staff (id),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['region_dispatch_endpoints', 'order_items', 'work_orders', 'orders']) await q.query(`DROP TABLE ${t}`);
    await q.query(`ALTER TABLE products DROP COLUMN allowed_actions, DROP COLUMN lead_time_days`);
  }
}
