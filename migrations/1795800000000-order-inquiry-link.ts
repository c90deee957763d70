import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An order opened from a business inquiry keeps the link back (the inquiry already links forward). */
export class OrderInquiryLink1795800000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ADD COLUMN inquiry_id uuid REFERENCES inquiries (id)`);
    await q.query(`CREATE UNIQUE INDEX orders_inquiry_idx ON orders (inquiry_id) WHERE inquiry_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN inquiry_id`);
  }
}
