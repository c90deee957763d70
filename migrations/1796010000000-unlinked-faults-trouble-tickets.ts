import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 16, point 2: TMF621 Trouble Ticket over faults and complaints
 * (docs/ARCHITECTURE.md, "TMF621 Trouble Ticket").
 *
 * - A fault may have no customer yet: network monitoring opens tickets for a
 *   region before anyone knows whose line it is (an *unlinked* fault); an
 *   agent links it later (`POST /faults/{id}/link`). Such a ticket names no
 *   reporter either (a monitoring system has no mobile), so the reporter
 *   columns may be empty too; the mobile's format check stays for the rest.
 * - `reported_via` gains `oss`: opened by an operator support system through
 *   the TM Forum API.
 * - `trouble_tickets`: what a TMF621 client sent that Focus One keeps as it
 *   came (severity and ticketType are free text in TMF; the fault holds their
 *   mapped values), one row per fault opened through the facade. Faults
 *   opened by the console have none; the facade derives those attributes.
 */
export class UnlinkedFaultsTroubleTickets1796010000000 implements MigrationInterface {
  name = 'UnlinkedFaultsTroubleTickets1796010000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE faults ALTER COLUMN customer_id DROP NOT NULL`);
    await q.query(`ALTER TABLE faults ALTER COLUMN reporter_name DROP NOT NULL`);
    await q.query(`ALTER TABLE faults ALTER COLUMN reporter_mobile DROP NOT NULL`);
    await q.query(`ALTER TABLE faults DROP CONSTRAINT faults_reported_via_check`);
    await q.query(
      `ALTER TABLE faults ADD CONSTRAINT faults_reported_via_check CHECK (reported_via IN ('hotline', 'account_manager', 'web', 'email', 'oss'))`,
    );
    // The console's "unlinked" filter and the queue's: few rows, so a small partial index.
    await q.query(`CREATE INDEX faults_unlinked_idx ON faults (region text_pattern_ops, created_at DESC) WHERE customer_id IS NULL`);
    await q.query(`
      CREATE TABLE trouble_tickets (
        fault_id        uuid PRIMARY KEY REFERENCES faults (id),
        name            text,
        severity        text NOT NULL,
        ticket_type     text NOT NULL,
        external_id     text,
        channel         jsonb,
        related_entity  jsonb NOT NULL DEFAULT '[]',
        created_at      timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX trouble_tickets_external_id_idx ON trouble_tickets (external_id) WHERE external_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Unlinked or reporter-less faults have no place in the old schema, and inventing a customer or a mobile would be worse: refuse.
    await q.query(`DO $$ BEGIN
      IF EXISTS (SELECT 1 FROM faults WHERE customer_id IS NULL OR reporter_name IS NULL OR reporter_mobile IS NULL OR reported_via = 'oss') THEN
        RAISE EXCEPTION 'faults opened without a customer or reporter, or by an OSS, exist: link or remove them before reverting';
      END IF; END $$`);
    await q.query(`DROP TABLE trouble_tickets`);
    await q.query(`DROP INDEX faults_unlinked_idx`);
    await q.query(`ALTER TABLE faults DROP CONSTRAINT faults_reported_via_check`);
    await q.query(
      `ALTER TABLE faults ADD CONSTRAINT faults_reported_via_check CHECK (reported_via IN ('hotline', 'account_manager', 'web', 'email'))`,
    );
    await q.query(`ALTER TABLE faults ALTER COLUMN reporter_mobile SET NOT NULL`);
    await q.query(`ALTER TABLE faults ALTER COLUMN reporter_name SET NOT NULL`);
    await q.query(`ALTER TABLE faults ALTER COLUMN customer_id SET NOT NULL`);
  }
}
