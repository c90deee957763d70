import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An Idempotency-Key's outcome commits with the write it answers for.
 *
 * `claim` identifies one holder of a key: a retry that takes an abandoned key
 * over gets a new one. `idempotency_commits` is written in the same statement
 * or transaction as the business write, naming the created resource (or the
 * response itself), and its foreign key to (owner_id, key, claim) makes that
 * write fail if the key was taken over meanwhile: a slow request and the retry
 * that took its key can never both commit.
 */
export class IdempotencyCommits1795806000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE idempotency_keys ADD COLUMN claim uuid NOT NULL DEFAULT gen_random_uuid()`);
    await q.query(`ALTER TABLE idempotency_keys ADD CONSTRAINT idempotency_keys_claim_key UNIQUE (owner_id, key, claim)`);
    await q.query(`
      CREATE TABLE idempotency_commits (
        owner_id      uuid NOT NULL,
        key           text NOT NULL,
        claim         uuid NOT NULL,
        status_code   integer NOT NULL,
        resource      text,
        response_body jsonb,
        committed_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (owner_id, key),
        CONSTRAINT idempotency_commits_claim_fkey FOREIGN KEY (owner_id, key, claim)
          REFERENCES idempotency_keys (owner_id, key, claim) ON DELETE CASCADE,
        CONSTRAINT idempotency_commits_one_answer CHECK ((resource IS NULL) <> (response_body IS NULL))
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_commits`);
    await q.query(`ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_claim_key`);
    await q.query(`ALTER TABLE idempotency_keys DROP COLUMN claim`);
  }
}
