import type { ValidationOptions } from 'class-validator';
import { ValidateBy } from 'class-validator';
import { chinaMonth } from '../common/time/china-days';

/**
 * Money is an integer number of fen (分) end to end: bigint in PostgreSQL,
 * a JSON integer on the wire, a safe integer or a BigInt in between. Sums are
 * computed by PostgreSQL and come back as strings; `fen()` converts them and
 * refuses anything a JavaScript number cannot hold exactly.
 */

/**
 * The largest amount one charge or one payment may carry: 1 billion yuan.
 * 10,000 of them (a full batch) still add up to less than 2^53 fen.
 */
export const MAX_AMOUNT_FEN = 100_000_000_000;

export class MoneyOverflowError extends Error {
  constructor(value: string) {
    super(`The amount ${value} fen is beyond what JSON numbers carry exactly (2^53 - 1)`);
    this.name = 'MoneyOverflowError';
  }
}

/** A bigint column (string), a numeric sum (string) or a BigInt → an exact number of fen. */
export function fen(value: string | bigint | number | null | undefined): number {
  if (value === null || value === undefined) return 0;
  const big = typeof value === 'bigint' ? value : BigInt(value);
  if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) throw new MoneyOverflowError(String(value));
  return Number(big);
}

/** A JSON integer within ±MAX_AMOUNT_FEN (a float, a string or anything beyond 2^53 is refused, never rounded). */
export const IsFen = (opts: { positive?: boolean; nonZero?: boolean } = {}, validation?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isFen',
      // read by the OpenAPI document for the bounds (src/common/http/openapi/openapi-limits.ts)
      constraints: [{ max: MAX_AMOUNT_FEN, positive: !!opts.positive }],
      validator: {
        validate: (v: unknown) =>
          typeof v === 'number' &&
          Number.isSafeInteger(v) &&
          Math.abs(v) <= MAX_AMOUNT_FEN &&
          (!opts.positive || v > 0) &&
          (!opts.nonZero || v !== 0),
        defaultMessage: () =>
          `must be an integer number of fen${opts.positive ? ' greater than 0' : opts.nonZero ? ', not 0,' : ''} and at most ${MAX_AMOUNT_FEN} in size (no decimals, no strings)`,
      },
    },
    validation,
  );

export const PERIOD = /^[0-9]{4}-(0[1-9]|1[0-2])$/;

/** Whether a 'YYYY-MM' period lies after the current month in China: nothing can be charged or billed for it yet. */
export const isFuturePeriod = (period: string, now = new Date()): boolean => period > chinaMonth(now);

export const FUTURE_PERIOD = 'is after the current month (China time): nothing can be charged or billed for it yet';
