import type { EntityManager } from 'typeorm';
import { chinaDate } from '../common/time/china-days';
import type { CaseKind } from './case-kind';
import { CASE_NO_PREFIX } from './case-kind';
import { nextSequenceValues } from './case-index.repository';

/** A case number: kind prefix, the China date of `at` as YYYYMMDD, the serial. */
export function formatCaseNo(kind: CaseKind, at: Date, n: number): string {
  return `${CASE_NO_PREFIX[kind]}-${chinaDate(at).replace(/-/g, '')}-${String(n).padStart(6, '0')}`;
}

// Numbers are drawn from the sequence this many at a time and handed out in
// process: on the intake path a case number then rarely costs a round trip.
const BLOCK = 50;
const spare = new WeakMap<object, Map<string, number[]>>();

/**
 * FLT-20261127-000042: prefix, the China date, and a number from a sequence
 * per prefix. A sequence never blocks, so thousands of intakes a second do not
 * queue on one counter row. Numbers are unique, not gap-free, and across
 * processes not in opening order (each process holds its own block).
 */
export async function nextCaseNo(em: EntityManager, kind: CaseKind, at = new Date()): Promise<string> {
  const [n] = await nextCaseSerials(em, kind, 1);
  return formatCaseNo(kind, at, n);
}

/** `count` serial numbers for cases of one kind (an order's work orders take one each), from the process's block. */
export async function nextCaseSerials(em: EntityManager, kind: CaseKind, count: number): Promise<number[]> {
  const seq = `case_no_${CASE_NO_PREFIX[kind].toLowerCase()}_seq`;
  // Per data source: a test process may serve several databases, each with its own sequences.
  const pools = spare.get(em.connection) ?? new Map<string, number[]>();
  spare.set(em.connection, pools);
  let pool = pools.get(seq);
  if (!pool || pool.length < count) {
    const values = await nextSequenceValues(em, seq, Math.max(BLOCK, count));
    pool = pools.get(seq) ?? []; // another caller may have refilled meanwhile: keep both blocks
    pool.push(...values);
    pools.set(seq, pool);
  }
  return pool.splice(0, count);
}
