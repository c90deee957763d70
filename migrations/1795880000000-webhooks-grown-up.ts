import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 13, point 6. A subscription gets a version (PATCH with
 * expectedVersion), an `active` switch, optional filters by region (the LIKE
 * patterns of the codes given, so a code matches itself and every region
 * under it) and by customer tier, and a previous secret that stays valid
 * until `previous_secret_expires_at` (rotation with an overlap). A delivery
 * may be a redelivery of another (same event, new delivery): the one
 * delivery per (subscription, event) the relay relies on now holds for the
 * relay's own deliveries only, through a partial unique index.
 */
export class WebhooksGrownUp1795880000000 implements MigrationInterface {
  name = 'WebhooksGrownUp1795880000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_subscriptions
        ADD COLUMN version integer NOT NULL DEFAULT 1,
        ADD COLUMN active boolean NOT NULL DEFAULT true,
        ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN regions text[] CHECK (cardinality(regions) > 0),
        ADD COLUMN region_patterns text[],
        ADD COLUMN customer_tiers text[] CHECK (cardinality(customer_tiers) > 0 AND customer_tiers <@ ARRAY['strategic', 'key', 'standard']),
        ADD COLUMN previous_secret text,
        ADD COLUMN previous_secret_expires_at timestamptz,
        ADD CONSTRAINT webhook_subscriptions_region_patterns_ck CHECK ((regions IS NULL) = (region_patterns IS NULL)),
        ADD CONSTRAINT webhook_subscriptions_previous_secret_ck CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))`);
    await q.query(`UPDATE webhook_subscriptions SET updated_at = created_at`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN redelivery_of uuid`);
    await q.query(`ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_subscription_id_event_id_key`);
    await q.query(
      `CREATE UNIQUE INDEX webhook_deliveries_relayed_uq ON webhook_deliveries (subscription_id, event_id) WHERE redelivery_of IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE redelivery_of IS NOT NULL)`,
    );
    await q.query(`DELETE FROM webhook_deliveries WHERE redelivery_of IS NOT NULL`);
    await q.query(`DROP INDEX webhook_deliveries_relayed_uq`);
    await q.query(
      `ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_subscription_id_event_id_key UNIQUE (subscription_id, event_id)`,
    );
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN redelivery_of`);
    await q.query(`
      ALTER TABLE webhook_subscriptions
        DROP CONSTRAINT webhook_subscriptions_previous_secret_ck,
        DROP CONSTRAINT webhook_subscriptions_region_patterns_ck,
        DROP COLUMN previous_secret_expires_at,
        DROP COLUMN previous_secret,
        DROP COLUMN customer_tiers,
        DROP COLUMN region_patterns,
        DROP COLUMN regions,
        DROP COLUMN updated_at,
        DROP COLUMN active,
        DROP COLUMN version`);
  }
}
