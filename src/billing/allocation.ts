/**
 * The pure rules of settlement, in BigInt (never floats), shared by the
 * bill run, payments and reversals and unit-tested on their own.
 */
import { fen } from './money';

export interface OpenLine {
  billId: string;
  billNo: string;
  lineId: string;
  servingRegion: string;
  /** due − paid, > 0 */
  remaining: bigint;
}

export interface CreditSource {
  paymentId: string;
  /** amount − allocated, > 0 */
  remaining: bigint;
}

export interface Allocation {
  paymentId: string;
  billId: string;
  billNo: string;
  lineId: string;
  servingRegion: string;
  amount: bigint;
}

/**
 * Applies payment money to open bill lines: the oldest money to the oldest
 * bill first, line by line, both lists in the order given (callers sort them:
 * payments by receipt, lines by bill issue date then serving region). Never
 * allocates more than a line's remainder or a payment's remainder.
 */
export function allocate(credits: readonly CreditSource[], lines: readonly OpenLine[]): Allocation[] {
  const out: Allocation[] = [];
  const money = credits.map((c) => ({ ...c }));
  const owed = lines.map((l) => ({ ...l }));
  let p = 0;
  let l = 0;
  while (p < money.length && l < owed.length) {
    const amount = money[p].remaining < owed[l].remaining ? money[p].remaining : owed[l].remaining;
    if (amount > 0n) {
      const line = owed[l];
      out.push({
        paymentId: money[p].paymentId,
        billId: line.billId,
        billNo: line.billNo,
        lineId: line.lineId,
        servingRegion: line.servingRegion,
        amount,
      });
      money[p].remaining -= amount;
      line.remaining -= amount;
    }
    if (money[p].remaining === 0n) p++;
    if (owed[l].remaining === 0n) l++;
  }
  return out;
}

export interface RegionGroup {
  region: string;
  amount: bigint;
  count: number;
}

export interface NettedLine extends RegionGroup {
  /** What the customer owes on the line: never below 0. */
  due: bigint;
}

/**
 * One bill's lines from its charges grouped by serving region. A region whose
 * adjustments outweigh its charges has a negative line; that net credit is
 * netted against the other lines (in region-code order), so every line's due
 * amount is ≥ 0 and the dues add up to the bill's total. Returns null when the
 * charges add up to less than zero (nothing to bill: the charges wait for
 * the next run).
 */
export function netLines(groups: readonly RegionGroup[]): NettedLine[] | null {
  const sorted = [...groups].sort((a, b) => (a.region < b.region ? -1 : a.region > b.region ? 1 : 0));
  const total = sorted.reduce((s, g) => s + g.amount, 0n);
  if (total < 0n) return null;
  let credit = sorted.reduce((s, g) => (g.amount < 0n ? s - g.amount : s), 0n);
  return sorted.map((g) => {
    if (g.amount <= 0n) return { ...g, due: 0n };
    const netted = credit < g.amount ? credit : g.amount;
    credit -= netted;
    return { ...g, due: g.amount - netted };
  });
}

/** The bill's state from what is paid: issued → partially_paid → paid (and back on a reversal). */
export function billState(total: bigint, paid: bigint): 'issued' | 'partially_paid' | 'paid' {
  if (paid >= total) return 'paid';
  return paid > 0n ? 'partially_paid' : 'issued';
}

/** Allocations as audit/event data: amounts as JSON integers. */
export const allocationData = (allocations: Allocation[]) =>
  allocations.map((a) => ({
    paymentId: a.paymentId,
    billId: a.billId,
    billLineId: a.lineId,
    servingRegion: a.servingRegion,
    amountFen: fen(a.amount),
  }));
