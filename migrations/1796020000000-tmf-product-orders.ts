import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, point 3: what the TMF622 Product Ordering facade keeps beside an
 * order that Focus One's order does not model (docs/ARCHITECTURE.md, "TMF622
 * Product Ordering").
 *
 * - `tmf_product_orders`: one row per order taken through the facade, written
 *   in the order's transaction: the OSS's `externalId`, `description` and
 *   `category`, the ids its `productOrderItem`s carried (in line order: line n
 *   is `item_ids[n]`) and its `note[]` as sent. An order taken on the console
 *   has no row; its items are served with their line numbers as ids.
 * - `tmf_cancel_product_orders`: each `cancelProductOrder` request, written
 *   in the cancel's transaction (so a request exists only for a cancel that
 *   happened).
 */
export class TmfProductOrders1796020000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tmf_product_orders (
        order_id uuid PRIMARY KEY REFERENCES orders(id),
        external_id text,
        description text,
        category text,
        item_ids text[] NOT NULL,
        notes jsonb NOT NULL DEFAULT '[]',
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX tmf_product_orders_external_id_idx ON tmf_product_orders (external_id) WHERE external_id IS NOT NULL`);
    await q.query(`
      CREATE TABLE tmf_cancel_product_orders (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id),
        reason text NOT NULL,
        requested_cancellation_date timestamptz,
        effective_cancellation_date timestamptz NOT NULL,
        state text NOT NULL CHECK (state IN ('done')),
        created_by uuid NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX tmf_cancel_product_orders_order_idx ON tmf_cancel_product_orders (order_id)`);
    await q.query(`CREATE INDEX tmf_cancel_product_orders_created_idx ON tmf_cancel_product_orders (created_at DESC, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tmf_cancel_product_orders`);
    await q.query(`DROP TABLE tmf_product_orders`);
  }
}
