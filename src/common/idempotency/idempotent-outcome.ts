import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';
import type { WriteBatch } from '../write-batch';
import type { OutcomeRow } from './idempotency.repository';
import { insertOutcome, insertOutcomeIn } from './idempotency.repository';

/** The key a request holds while its handler runs (set by the IdempotencyInterceptor). */
export interface HeldKey {
  ownerId: string;
  key: string;
  /** This holder's claim; a retry that took the key over holds another. */
  claim: string;
  /** The route's status (201, or its @HttpCode), the status a rebuilt answer is given. */
  statusCode: number;
}

/**
 * What a retry needs to answer for a write whose response was never stored
 * (the process died between the commit and the response): the created
 * resource's own URL (apiPath(...)), read again with the caller's
 * credentials, or, where no such URL exists, the response itself.
 */
export type IdempotentOutcome = { resource: string } | { body: unknown };

const held = new AsyncLocalStorage<HeldKey>();

/** Runs the handler with its key held: recordOutcome(In) called anywhere below writes to that key. */
export function holdingKey<T>(key: HeldKey, handler: () => T): T {
  return held.run(key, handler);
}

function outcomeRow(key: HeldKey, outcome: IdempotentOutcome): OutcomeRow {
  return {
    ownerId: key.ownerId,
    key: key.key,
    claim: key.claim,
    statusCode: key.statusCode,
    resource: 'resource' in outcome ? outcome.resource : null,
    responseBody: 'resource' in outcome ? null : JSON.stringify(outcome.body ?? null),
  };
}

/**
 * Records, in the batch that carries a creating request's write, that the
 * request's outcome commits with it. Every creating POST that honours an
 * Idempotency-Key calls this (or recordOutcome) exactly once, in the
 * statement or transaction of its write; without a key it does nothing.
 *
 * The row's foreign key to the claim makes the whole write fail if a retry
 * took the key over meanwhile (this request was thought dead): the retry's
 * write is the one that stands.
 */
export function recordOutcomeIn(batch: WriteBatch, outcome: IdempotentOutcome): void {
  const key = held.getStore();
  if (key) insertOutcomeIn(batch, outcomeRow(key, outcome));
}

/** recordOutcomeIn as a statement of the caller's transaction (`em` must be a transaction's manager). */
export async function recordOutcome(em: EntityManager, outcome: IdempotentOutcome): Promise<void> {
  const key = held.getStore();
  if (key) await insertOutcome(em, outcomeRow(key, outcome));
}

/** The constraint a write violates when its key was taken over (see recordOutcomeIn). */
export const CLAIM_CONSTRAINT = 'idempotency_commits_claim_fkey';
/** The one a write violates when the request that took its key over committed first (one outcome per key). */
export const OUTCOME_CONSTRAINT = 'idempotency_commits_pkey';
