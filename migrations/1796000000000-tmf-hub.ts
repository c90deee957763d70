import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, point 5: TM Forum hub subscriptions are webhook subscriptions
 * with a delivery format (docs/ARCHITECTURE.md, "TM Forum facades").
 *
 * - `webhook_subscriptions.format`: null for Focus One's own envelope, else
 *   the name of a registered format (`tmf:customerManagement`); `events` then
 *   holds the format's event types (`CustomerCreateEvent`), and
 *   `format_query` the subscriber's `query` as given.
 * - `webhook_deliveries.payload`: the body a formatted delivery sends,
 *   rendered once by the relay (retries and redeliveries send the same bytes).
 * - One outbox event may become several formatted events for one subscriber
 *   (a ticket resolved is a status change and a resolution): the relay's
 *   one-delivery rule is per (subscription, event, type). For a plain
 *   subscription the type is the event's own, so nothing changes for it.
 */
export class TmfHub1796000000000 implements MigrationInterface {
  name = 'TmfHub1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE webhook_subscriptions
        ADD COLUMN format text CHECK (format ~ '^[a-z]+:[A-Za-z]+$'),
        ADD COLUMN format_query text,
        ADD CONSTRAINT webhook_subscriptions_format_query_ck CHECK (format IS NOT NULL OR format_query IS NULL)`);
    await q.query(`ALTER TABLE webhook_deliveries ADD COLUMN payload jsonb`);
    await q.query(`DROP INDEX webhook_deliveries_relayed_uq`);
    await q.query(
      `CREATE UNIQUE INDEX webhook_deliveries_relayed_uq ON webhook_deliveries (subscription_id, event_id, event_type) WHERE redelivery_of IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries WHERE payload IS NOT NULL)`,
    );
    await q.query(`DELETE FROM webhook_deliveries WHERE payload IS NOT NULL`);
    await q.query(`DROP INDEX webhook_deliveries_relayed_uq`);
    await q.query(
      `CREATE UNIQUE INDEX webhook_deliveries_relayed_uq ON webhook_deliveries (subscription_id, event_id) WHERE redelivery_of IS NULL`,
    );
    await q.query(`ALTER TABLE webhook_deliveries DROP COLUMN payload`);
    await q.query(`UPDATE webhook_subscriptions SET deleted_at = now() WHERE format IS NOT NULL AND deleted_at IS NULL`);
    await q.query(
      `ALTER TABLE webhook_subscriptions DROP CONSTRAINT webhook_subscriptions_format_query_ck, DROP COLUMN format_query, DROP COLUMN format`,
    );
  }
}
