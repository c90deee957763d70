import { createHash } from 'node:crypto';
import type { CaseKind } from '../cases/case-kind';
import type { Tier } from '../customers/customer-record.port';

/**
 * The call-back's rules as data (docs/ARCHITECTURE.md, "Call-backs"): which
 * closed cases are called back, and what an attempt does. Pure; the service
 * and the tests read them.
 */

export const CALLBACK_STATES = ['pending', 'in_progress', 'done', 'unreachable'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];
/** A call-back in one of these takes no more attempts; its clock is stopped and it is out of the console queue. */
export const CALLBACK_FINAL_STATES: readonly CallbackState[] = ['done', 'unreachable'];

/** The kinds whose closing is followed by a call-back. */
export const CALLBACK_SOURCE_KINDS: readonly CaseKind[] = ['fault', 'complaint', 'support'];

/** Why a closed case is called back. */
export const SELECTED_BY = ['tier', 'green_channel', 'sample'] as const;
export type SelectedBy = (typeof SELECTED_BY)[number];

/** Attempts at most; the last one not reached makes the call-back `unreachable`. */
export const MAX_ATTEMPTS = 3;
/** A score at or below this is a low score: `callback.low_score`, and a complaint may be raised from it. */
export const LOW_SCORE_MAX = 2;

/**
 * A case's place in the sample, 0–99, from its id alone: the first four
 * bytes of its SHA-256 modulo 100. The same case always gets the same
 * answer (a retried close, a test), and ids are random, so the share that
 * falls under a percentage is that percentage.
 */
export function sampleBucket(caseId: string): number {
  return createHash('sha256').update(caseId.toLowerCase()).digest().readUInt32BE(0) % 100;
}

/**
 * Whether a closed case is called back, and why: always for the strategic
 * and key tiers, then for a green-channel case (the customer's, or a
 * director's grant on that case), else when the case falls in the
 * `samplePercent` share of standard-tier cases.
 */
export function callbackSelection(tier: Tier, greenChannel: boolean, caseId: string, samplePercent: number): SelectedBy | null {
  if (tier === 'strategic' || tier === 'key') return 'tier';
  if (greenChannel) return 'green_channel';
  return sampleBucket(caseId) < samplePercent ? 'sample' : null;
}

/** The state after attempt number `n` (1-based): reached → done; not reached → retried, the third time unreachable. */
export function stateAfterAttempt(n: number, reached: boolean): CallbackState {
  if (reached) return 'done';
  return n >= MAX_ATTEMPTS ? 'unreachable' : 'in_progress';
}
