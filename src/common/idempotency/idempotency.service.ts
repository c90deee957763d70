import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { CommonError, CommonErrorCode } from '../errors/common-errors';

export interface StoredResponse {
  statusCode: number;
  body: unknown;
}

export type Claim = { kind: 'claimed' } | { kind: 'replay'; response: StoredResponse };

// A claim left 'processing' this long belongs to a process that died mid-request.
const ABANDONED_AFTER_MS = 60_000;
const WAIT_FOR_OTHER_MS = 15_000;
const POLL_MS = 20;

/**
 * Idempotency keys live in PostgreSQL, keyed by (caller, key): the first
 * request claims the key; concurrent ones wait for its response and replay it.
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
      const inserted = await this.dataSource.query(
        `INSERT INTO idempotency_keys (owner_id, key, fingerprint, state, expires_at)
         VALUES ($1, $2, $3, 'processing', now() + make_interval(hours => $4))
         ON CONFLICT (owner_id, key) DO NOTHING RETURNING key`,
        [ownerId, key, fingerprint, this.config.idempotencyTtlHours],
      );
      if (inserted.length) return { kind: 'claimed' };

      const [row] = await this.dataSource.query(
        `SELECT fingerprint, state, status_code, response_body, locked_at,
                (expires_at < now()) AS expired, (locked_at < now() - make_interval(secs => $3)) AS abandoned
         FROM idempotency_keys WHERE owner_id = $1 AND key = $2`,
        [ownerId, key, ABANDONED_AFTER_MS / 1000],
      );
      if (!row) continue; // released between our insert and select: try again
      if (row.expired) {
        await this.release(ownerId, key);
        continue;
      }
      if (row.fingerprint !== fingerprint) {
        throw new CommonError(
          CommonErrorCode.IDEMPOTENCY_KEY_REUSED,
          'This Idempotency-Key was already used with a different request body; use a new key for a new request',
        );
      }
      if (row.state === 'completed') {
        return { kind: 'replay', response: { statusCode: row.status_code, body: row.response_body } };
      }
      if (row.abandoned) {
        // Take the claim over only if nobody else did meanwhile (compare-and-set on locked_at).
        const taken = await this.dataSource.query(
          `UPDATE idempotency_keys SET locked_at = now() WHERE owner_id = $1 AND key = $2 AND locked_at = $3 AND state = 'processing' RETURNING key`,
          [ownerId, key, row.locked_at],
        );
        if (taken[1] > 0) return { kind: 'claimed' };
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

  async complete(ownerId: string, key: string, response: StoredResponse): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys SET state = 'completed', status_code = $3, response_body = $4 WHERE owner_id = $1 AND key = $2`,
      [ownerId, key, response.statusCode, JSON.stringify(response.body ?? null)],
    );
  }

  /** A failed request frees its key, so the client can correct the body and retry with it. */
  async release(ownerId: string, key: string): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE owner_id = $1 AND key = $2`, [ownerId, key]);
  }

  async purgeExpired(): Promise<number> {
    const [, count] = await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at < now()`);
    return Number(count ?? 0);
  }
}
