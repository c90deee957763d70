import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { CommonError, CommonErrorCode } from '../errors/common-errors';
import {
  completeKey,
  completeRebuiltKey,
  deleteExpiredKey,
  insertKey,
  keyState,
  purgeExpiredKeys,
  releaseKey,
  takeOverKey,
} from './idempotency.repository';
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
      const claimed = await insertKey(this.dataSource, { ownerId, key, fingerprint, ttlHours: this.config.idempotencyTtlHours });
      if (claimed) return { kind: 'claimed', claim: claimed };

      const row = await keyState(this.dataSource, ownerId, key, this.config.idempotencyAbandonSeconds, COMMITTED_GRACE_MS / 1000);
      if (!row) continue; // released between our insert and select: try again
      if (row.expired) {
        await deleteExpiredKey(this.dataSource, ownerId, key);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new CommonError(
          CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This Idempotency-Key was already used with a different request body; use a new key for a new request',
        );
      }
      if (row.state === 'completed') {
        return { kind: 'replay', response: { statusCode: row.statusCode!, body: row.responseBody } };
      }
      if (row.committed) {
        // The outcome is known; only the stored response is missing (its request is finishing, or died after the commit).
        if (row.committedHasBody) return { kind: 'replay', response: { statusCode: row.committedStatus!, body: row.committedBody } };
        if (row.committedSettled || row.abandoned)
          return { kind: 'rebuild', statusCode: row.committedStatus!, resource: row.committedResource! };
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
      return await takeOverKey(this.dataSource, ownerId, key, staleClaim);
    } catch (err) {
      // The old holder committed between our look and our update: its commit row now references the old claim.
      if ((err as { driverError?: { constraint?: string } }).driverError?.constraint === CLAIM_CONSTRAINT) return undefined;
      throw err;
    }
  }

  /** Stores the response of the request holding `claim` (nothing, if a retry took the key over meanwhile). */
  async complete(ownerId: string, key: string, claim: string, response: StoredResponse): Promise<void> {
    await completeKey(this.dataSource, ownerId, key, claim, response);
  }

  /** Stores a response rebuilt by a retry for a committed write whose own response was never stored. */
  async completeRebuilt(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    await completeRebuiltKey(this.dataSource, ownerId, key, response);
  }

  /**
   * A failed request frees its key, so the client can correct the body and
   * retry with it; unless something was committed under it (the failure came
   * after the commit), which a retry must then replay, not run again.
   */
  async release(ownerId: string, key: string, claim: string): Promise<void> {
    await releaseKey(this.dataSource, ownerId, key, claim);
  }

  purgeExpired(): Promise<number> {
    return purgeExpiredKeys(this.dataSource);
  }
}
