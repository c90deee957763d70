import { EntityManager } from 'typeorm';
import { CASE_NO_PREFIX, CaseKind } from './case-kind';

/** The calendar day in China (UTC+8, no daylight saving), as YYYYMMDD. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
}

export function formatCaseNo(kind: CaseKind, at: Date, n: number): string {
  return `${CASE_NO_PREFIX[kind]}-${chinaDate(at)}-${String(n).padStart(6, '0')}`;
}

/**
 * FLT-20261127-000042: prefix, the China date, and a number from a sequence
 * per prefix. A sequence never blocks, so thousands of intakes a second do not
 * queue on one counter row (numbers are unique, not gap-free).
 */
export async function nextCaseNo(em: EntityManager, kind: CaseKind, at = new Date()): Promise<string> {
  const [{ n }] = await em.query(`SELECT nextval('case_no_${CASE_NO_PREFIX[kind].toLowerCase()}_seq')::int AS n`);
  return formatCaseNo(kind, at, n);
}
