import type { Db, Sql } from '../sql';
import { affected, execute, firstRow, sql } from '../sql';
import type { WriteBatch } from '../write-batch';

/** A key as a retry finds it, with the outcome committed under it if any. */
export interface KeyState {
  fingerprint: string;
  state: 'processing' | 'completed';
  statusCode: number | null;
  responseBody: unknown;
  claim: string;
  expired: boolean;
  /** Its claim is older than the abandon threshold. */
  abandoned: boolean;
  /** An outcome row exists: the write it answers for committed. */
  committed: boolean;
  committedStatus: number | null;
  committedResource: string | null;
  committedHasBody: boolean;
  committedBody: unknown;
  /** The outcome row is older than the grace a live request gets to store its answer. */
  committedSettled: boolean;
}

/** The key a request holds, and what its creating write commits under it. */
export interface OutcomeRow {
  ownerId: string;
  key: string;
  claim: string;
  statusCode: number;
  resource: string | null;
  /** The response itself, JSON-encoded, where no resource URL can rebuild it. */
  responseBody: string | null;
}

/** A new key in state processing; its claim, or undefined when the key exists. */
export async function insertKey(
  db: Db,
  k: { ownerId: string; key: string; fingerprint: string; ttlHours: number },
): Promise<string | undefined> {
  const row = await firstRow<{ claim: string }>(
    db,
    sql`INSERT INTO idempotency_keys (owner_id, key, fingerprint, state, expires_at)
        VALUES (${k.ownerId}, ${k.key}, ${k.fingerprint}, 'processing', now() + make_interval(hours => ${k.ttlHours}))
        ON CONFLICT (owner_id, key) DO NOTHING RETURNING claim`,
  );
  return row?.claim;
}

export async function keyState(
  db: Db,
  ownerId: string,
  key: string,
  abandonSeconds: number,
  graceSeconds: number,
): Promise<KeyState | undefined> {
  const row = await firstRow<{
    fingerprint: string;
    state: KeyState['state'];
    status_code: number | null;
    response_body: unknown;
    claim: string;
    expired: boolean;
    abandoned: boolean;
    committed: boolean;
    committed_status: number | null;
    committed_resource: string | null;
    committed_has_body: boolean;
    committed_body: unknown;
    committed_settled: boolean;
  }>(
    db,
    sql`SELECT k.fingerprint, k.state, k.status_code, k.response_body, k.claim,
               k.expires_at < now() AS expired,
               k.locked_at < now() - make_interval(secs => ${abandonSeconds}) AS abandoned,
               c.owner_id IS NOT NULL AS committed,
               c.status_code AS committed_status, c.resource AS committed_resource,
               c.response_body IS NOT NULL AS committed_has_body, c.response_body AS committed_body,
               c.committed_at < now() - make_interval(secs => ${graceSeconds}) AS committed_settled
          FROM idempotency_keys k LEFT JOIN idempotency_commits c ON c.owner_id = k.owner_id AND c.key = k.key
         WHERE k.owner_id = ${ownerId} AND k.key = ${key}`,
  );
  return (
    row && {
      fingerprint: row.fingerprint,
      state: row.state,
      statusCode: row.status_code,
      responseBody: row.response_body,
      claim: row.claim,
      expired: row.expired,
      abandoned: row.abandoned,
      committed: row.committed,
      committedStatus: row.committed_status,
      committedResource: row.committed_resource,
      committedHasBody: row.committed_has_body,
      committedBody: row.committed_body,
      committedSettled: row.committed_settled,
    }
  );
}

export async function deleteExpiredKey(db: Db, ownerId: string, key: string): Promise<void> {
  await execute(db, sql`DELETE FROM idempotency_keys WHERE owner_id = ${ownerId} AND key = ${key} AND expires_at < now()`);
}

/**
 * A new claim on a key still held under `staleClaim` with nothing committed
 * (compare-and-set on the claim); undefined when someone else took it. Fails
 * on the commit row's claim foreign key if the old holder commits meanwhile.
 */
export async function takeOverKey(db: Db, ownerId: string, key: string, staleClaim: string): Promise<string | undefined> {
  const row = await firstRow<{ claim: string }>(
    db,
    sql`UPDATE idempotency_keys k SET claim = gen_random_uuid(), locked_at = now()
         WHERE k.owner_id = ${ownerId} AND k.key = ${key} AND k.claim = ${staleClaim} AND k.state = 'processing'
           AND NOT EXISTS (SELECT 1 FROM idempotency_commits c WHERE c.owner_id = k.owner_id AND c.key = k.key)
         RETURNING k.claim`,
  );
  return row?.claim;
}

/** Stores the response of the request holding `claim`. */
export async function completeKey(
  db: Db,
  ownerId: string,
  key: string,
  claim: string,
  response: { statusCode: number; body: unknown },
): Promise<void> {
  await execute(
    db,
    sql`UPDATE idempotency_keys SET state = 'completed', status_code = ${response.statusCode}, response_body = ${JSON.stringify(response.body ?? null)}
         WHERE owner_id = ${ownerId} AND key = ${key} AND claim = ${claim}`,
  );
}

/** Stores a rebuilt response on a key still processing, whoever holds it. */
export async function completeRebuiltKey(
  db: Db,
  ownerId: string,
  key: string,
  response: { statusCode: number; body: unknown },
): Promise<void> {
  await execute(
    db,
    sql`UPDATE idempotency_keys SET state = 'completed', status_code = ${response.statusCode}, response_body = ${JSON.stringify(response.body ?? null)}
         WHERE owner_id = ${ownerId} AND key = ${key} AND state = 'processing'`,
  );
}

/** Frees the key held under `claim`, unless something committed under it. */
export async function releaseKey(db: Db, ownerId: string, key: string, claim: string): Promise<void> {
  await execute(
    db,
    sql`DELETE FROM idempotency_keys k WHERE k.owner_id = ${ownerId} AND k.key = ${key} AND k.claim = ${claim}
           AND NOT EXISTS (SELECT 1 FROM idempotency_commits c WHERE c.owner_id = k.owner_id AND c.key = k.key)`,
  );
}

/** Deletes expired keys (their outcome rows go with them); how many. */
export function purgeExpiredKeys(db: Db): Promise<number> {
  return affected(db, sql`DELETE FROM idempotency_keys WHERE expires_at < now()`);
}

function insertOutcomeSql(o: OutcomeRow): Sql {
  return sql`INSERT INTO idempotency_commits (owner_id, key, claim, status_code, resource, response_body)
             VALUES (${o.ownerId}, ${o.key}, ${o.claim}, ${o.statusCode}, ${o.resource}, ${o.responseBody})`;
}

/** The outcome row in the batch that carries the write it answers for. */
export function insertOutcomeIn(batch: WriteBatch, outcome: OutcomeRow): void {
  batch.add(insertOutcomeSql(outcome));
}

/** The outcome row as a statement of the caller's transaction. */
export async function insertOutcome(db: Db, outcome: OutcomeRow): Promise<void> {
  await execute(db, insertOutcomeSql(outcome));
}
