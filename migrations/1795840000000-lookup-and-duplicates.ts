import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 11, point 1. The hotline finds a customer by a contact's name: the
 * contacts get the same generated bigram array and GIN index as customer
 * names (focus_one_bigrams, migration foundation), so a 2-character Chinese
 * fragment is one index lookup. A new fault records the open faults it may
 * repeat (possible_duplicate_of, [{id, caseNo}]), found through the two
 * indexes below: the same service instance, or the same site, in the last
 * 24 hours.
 */
export class LookupAndDuplicates1795840000000 implements MigrationInterface {
  name = 'LookupAndDuplicates1795840000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE customer_contacts ADD COLUMN name_bigrams text[] GENERATED ALWAYS AS (focus_one_bigrams(name)) STORED`);
    await q.query(`CREATE INDEX customer_contacts_name_bigrams_idx ON customer_contacts USING gin (name_bigrams)`);
    await q.query(`ALTER TABLE faults ADD COLUMN possible_duplicate_of jsonb NOT NULL DEFAULT '[]'`);
    await q.query(
      `CREATE INDEX faults_instance_recent_idx ON faults (service_instance_id, created_at) WHERE service_instance_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX faults_site_recent_idx ON faults (site_id, created_at) WHERE site_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX faults_site_recent_idx`);
    await q.query(`DROP INDEX faults_instance_recent_idx`);
    await q.query(`ALTER TABLE faults DROP COLUMN possible_duplicate_of`);
    await q.query(`DROP INDEX customer_contacts_name_bigrams_idx`);
    await q.query(`ALTER TABLE customer_contacts DROP COLUMN name_bigrams`);
  }
}
