import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Columns and an index of the delivery log that nothing reads
 * (docs/ARCHITECTURE.md, "Notification pipeline"):
 *
 * - `notification_deliveries.priority`, `green_channel`: copied from the case
 *   at fan-out, but every decision they could feed (quiet hours, the P1
 *   exception) is taken at fan-out from the case itself; the API, the sender
 *   and the sweep never read them.
 * - `notification_digests.receipt_at`: written with the receipt, never read
 *   (the receipt's own time stays in notification_sms_receipts.done_at).
 * - `notification_digests.provider_message_id`: the first of
 *   `provider_message_ids`, which is what receipts match on; the API shows
 *   the delivery's own `provider_message_id`.
 * - `notification_deliveries_case_idx`: no query of the application selects
 *   deliveries by case (customer notices find theirs by event and recipient,
 *   through the unique key).
 */
export class NotificationUnusedColumns1796050000000 implements MigrationInterface {
  name = 'NotificationUnusedColumns1796050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX notification_deliveries_case_idx`);
    await q.query(`ALTER TABLE notification_deliveries DROP COLUMN priority, DROP COLUMN green_channel`);
    await q.query(`ALTER TABLE notification_digests DROP COLUMN receipt_at, DROP COLUMN provider_message_id`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE notification_digests ADD COLUMN receipt_at timestamptz, ADD COLUMN provider_message_id text`);
    // The values are gone; rows written since read as P3 without green channel (neither is read).
    await q.query(`ALTER TABLE notification_deliveries ADD COLUMN priority smallint NOT NULL DEFAULT 3,
                     ADD COLUMN green_channel boolean NOT NULL DEFAULT false`);
    await q.query(`ALTER TABLE notification_deliveries ALTER COLUMN priority DROP DEFAULT, ALTER COLUMN green_channel DROP DEFAULT`);
    await q.query(`CREATE INDEX notification_deliveries_case_idx ON notification_deliveries (case_id, created_at)`);
  }
}
