import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11: how to reach a staff member (work phone, e-mail and the IDs of
 * the two office messengers), and the note a person leaves when they
 * acknowledge an alert. All nullable: existing rows have none.
 */
export class StaffContactsAlertNotes1795830000000 implements MigrationInterface {
  name = 'StaffContactsAlertNotes1795830000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE staff ADD COLUMN work_phone text, ADD COLUMN email text, ADD COLUMN wecom_user_id text, ADD COLUMN dingtalk_user_id text`,
    );
    await q.query(`ALTER TABLE alerts ADD COLUMN acknowledged_note text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alerts DROP COLUMN acknowledged_note`);
    await q.query(`ALTER TABLE staff DROP COLUMN work_phone, DROP COLUMN email, DROP COLUMN wecom_user_id, DROP COLUMN dingtalk_user_id`);
  }
}
