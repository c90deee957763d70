import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { CommonError, CommonErrorCode } from '../errors/common-errors';
import { CLAIM_CONSTRAINT } from './idempotent-outcome';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export type Claim =
  /** This request holds the key (`claim` names this holding): run the handler. */
  | { kind: 'claimed'; claim: string }
  /** Answer with this stored response. */
  | { kind: 'replay'; response: StoredResponse }
  /** The write committed but its response was never stored: answer with a read of `resource`, as `statusCode`. */
  | { kind: 'rebuild'; statusCode: number; resource: string };

const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 20;
/**
 * A committed write is answered by its own request within milliseconds. A
 * retry that finds it committed but unanswered waits this long for that
 * answer before rebuilding one (the process most likely died after its commit).
 */
const COMMITTED_GRACE_MS = 2_000;

interface KeyRow {
  fingerprint: string;
  state: 'processing' | 'completed';
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
}

/**
 * Idempotency keys live in PostgreSQL, keyed by (caller, key): the first
 * request claims the key; concurrent ones wait for its response and replay it.
 *
 * Crash safety: the request's outcome (idempotency_commits) is written in the
 * statement or transaction of its business write (recordOutcome), so a retry
 * after the process died knows whether anything was committed. Committed →
 * it replays (the stored response, or one rebuilt from the created resource).
 * Nothing committed and the claim older than IDEMPOTENCY_ABANDON_SECONDS → it
 * takes the key over (a new claim) and runs the request once; a late commit
 * under the old claim fails on the commit row's foreign key.
 */
@Injectable()
export class IdempotencyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async claim(ownerId: string, key: string, fingerprint: string): Promise<Claim> {
    const deadline = Date.now() + WAIT_FOR_OTHER_MS;
    for (;;) {
      const [inserted]: { claim: string }[] = await this.dataSource.query(
        `INSERT INTO idempotency_keys (owner_id, key, fingerprint, state, expires_at)
         VALUES ($1, $2, $3, 'processing', now() + make_interval(hours => $4))
         ON CONFLICT (owner_id, key) DO NOTHING RETURNING claim`,
        [ownerId, key, fingerprint, this.config.idempotencyTtlHours],
      );
      if (inserted) return { kind: 'claimed', claim: inserted.claim };

      const [row]: KeyRow[] = await this.dataSource.query(
        `SELECT k.fingerprint, k.state, k.status_code, k.response_body, k.claim,
                k.expires_at < now() AS expired,
                k.locked_at < now() - make_interval(secs => $3) AS abandoned,
                c.owner_id IS NOT NULL AS committed,
                c.status_code AS committed_status, c.resource AS committed_resource,
                c.response_body IS NOT NULL AS committed_has_body, c.response_body AS committed_body,
                c.committed_at < now() - make_interval(secs => $4) AS committed_settled
           FROM idempotency_keys k LEFT JOIN idempotency_commits c ON c.owner_id = k.owner_id AND c.key = k.key
          WHERE k.owner_id = $1 AND k.key = $2`,
        [ownerId, key, this.config.idempotencyAbandonSeconds, COMMITTED_GRACE_MS / 1000],
      );
      if (!row) continue; // released between our insert and select: try again
      if (row.expired) {
        await this.dataSource.query(`DELETE FROM idempotency_keys WHERE owner_id = $1 AND key = $2 AND expires_at < now()`, [ownerId, key]);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new CommonError(
          CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This Idempotency-Key was already used with a different request body; use a new key for a new request',
        );
      }
      if (row.state === 'completed') {
        return { kind: 'replay', response: { statusCode: row.status_code!, body: row.response_body } };
      }
      if (row.committed) {
        // The outcome is known; only the stored response is missing (its request is finishing, or died after the commit).
        if (row.committed_has_body) return { kind: 'replay', response: { statusCode: row.committed_status!, body: row.committed_body } };
        if (row.committed_settled || row.abandoned)
          return { kind: 'rebuild', statusCode: row.committed_status!, resource: row.committed_resource! };
      } else if (row.abandoned) {
        const taken = await this.takeOver(ownerId, key, row.claim);
        if (taken) return { kind: 'claimed', claim: taken };
      }
      if (Date.now() > deadline) {
        throw new CommonError(
          CommonErrorCode.IDEMPOTENCY_KEY_IN_PROGRESS,
          'A request with this Idempotency-Key is still being processed; retry shortly',
        );
      }
      await sleep(POLL_MS);
    }
  }

  /**
   * A new claim on a key whose holder died with nothing committed, if nobody
   * else took it or committed under it meanwhile (compare-and-set on the claim).
   */
  private async takeOver(ownerId: string, key: string, staleClaim: string): Promise<string | undefined> {
    try {
      const [rows] = (await this.dataSource.query(
        `UPDATE idempotency_keys k SET claim = gen_random_uuid(), locked_at = now()
          WHERE k.owner_id = $1 AND k.key = $2 AND k.claim = $3 AND k.state = 'processing'
            AND NOT EXISTS (SELECT 1 FROM idempotency_commits c WHERE c.owner_id = k.owner_id AND c.key = k.key)
          RETURNING k.claim`,
        [ownerId, key, staleClaim],
      )) as [{ claim: string }[], number];
      return rows[0]?.claim;
    } catch (err) {
      // The old holder committed between our look and our update: its commit row now references the old claim.
      if ((err as { driverError?: { constraint?: string } }).driverError?.constraint === CLAIM_CONSTRAINT) return undefined;
      throw err;
    }
  }

  /** Stores the response of the request holding `claim` (nothing, if a retry took the key over meanwhile). */
  async complete(ownerId: string, key: string, claim: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', status_code = $4, response_body = $5 WHERE owner_id = $1 AND key = $2 AND claim = $3`,
      [ownerId, key, claim, response.statusCode, JSON.stringify(response.body ?? null)],
    );
  }

  /** Stores a response rebuilt by a retry for a committed write whose own response was never stored. */
  async completeRebuilt(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', status_code = $3, response_body = $4
        WHERE owner_id = $1 AND key = $2 AND state = 'processing'`,
      [ownerId, key, response.statusCode, JSON.stringify(response.body ?? null)],
    );
  }

  /**
   * A failed request frees its key, so the client can correct the body and
   * retry with it; unless something was committed under it (the failure came
   * after the commit), which a retry must then replay, not run again.
   */
  async release(ownerId: string, key: string, claim: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys k WHERE k.owner_id = $1 AND k.key = $2 AND k.claim = $3
          AND NOT EXISTS (SELECT 1 FROM idempotency_commits c WHERE c.owner_id = k.owner_id AND c.key = k.key)`,
      [ownerId, key, claim],
    );
  }

  async purgeExpired(): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
    return Number(count ?? 0);
  }
}
