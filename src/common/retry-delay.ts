/** The back-off of every retried send (webhook deliveries, notification digests). */

/** No retry waits longer than this, however large the attempt number. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/**
 * Wait before attempt `failedAttempt + 1`: base·2^(failedAttempt-1), capped,
 * plus up to 10 % jitter so a receiver that was down does not get every
 * retry in the same millisecond when it comes back.
 */
export function retryDelayMs(failedAttempt: number, baseMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 40);
  const cap = Math.max(MAX_RETRY_DELAY_MS, baseMs);
  const plain = Math.min(baseMs * 2 ** exponent, cap);
  return Math.round(plain + plain * 0.1 * random());
}
