import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, point 4: a completed work order updates the customer's service
 * inventory, and a failed one can be retried.
 * - service_instances: the attributes an order line set (add) or changed
 *   (modify); an access number may be unknown until the field team gives one
 *   (an `add` completed without it), so it becomes nullable (still unique when
 *   set); `terminated_at` records when a `terminate` line took it out of
 *   service (the row is kept); `order_item_id` the order line that last changed it.
 */
export class FulfilmentInventory1795820000000 implements MigrationInterface {
  name = 'FulfilmentInventory1795820000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE service_instances
        ADD COLUMN attributes jsonb NOT NULL DEFAULT '{}'::jsonb,
        ADD COLUMN terminated_at timestamptz,
        ADD COLUMN order_item_id uuid,
        ALTER COLUMN access_no DROP NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM service_instances WHERE access_no IS NULL`);
    await q.query(`
      ALTER TABLE service_instances
        ALTER COLUMN access_no SET NOT NULL,
        DROP COLUMN order_item_id,
        DROP COLUMN terminated_at,
        DROP COLUMN attributes`);
  }
}
