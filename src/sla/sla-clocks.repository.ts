import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Db, Sql } from '../common/sql';
import { execute, firstRow, rows, sql } from '../common/sql';
import type { BatchPart, WriteBatch } from '../common/write-batch';
import type { ClockState } from './sla-clock.entity';
import { SlaClock } from './sla-clock.entity';
import type { AlertLevel, ClockName } from './sla-levels.port';

/** A clock as its INSERT returns it: the targets it was given; the rest follows from the start time. */
export interface InsertedClock {
  id: string;
  caseKind: string;
  caseId: string;
  clock: ClockName;
  policyKey: string;
  policyVersion: number;
  targetSeconds: number;
  warnAtPercent: number;
}

/** One case's clocks to insert, each under the policy `policyKey` in force. */
export interface CaseClocks {
  kind: string;
  caseId: string;
  policyKey: string;
  /** A floor under the resolution target, in seconds (null: the policy's alone). */
  minResolutionSeconds: number | null;
}

/** A running clock whose next threshold has passed, with what its alerts need from the case index. */
export interface DueClock {
  id: string;
  caseKind: string;
  caseId: string;
  clock: ClockName;
  startedAt: Date;
  pausedMs: number;
  targetSeconds: number;
  warnAtPercent: number;
  generation: number;
  nextLevel: AlertLevel;
  breachedAt: Date | null;
  caseNo: string;
  customerId: string | null;
  region: string;
}

/** Where a clock's timer stands, for a wake-up to check itself against. */
export interface ClockTimer {
  generation: number;
  nextLevel: AlertLevel | null;
  nextAt: Date | null;
  state: ClockState;
}

/** A clock's next threshold after its due levels were raised. */
export interface ClockAdvance {
  id: string;
  nextLevel: AlertLevel | null;
  nextAt: Date | null;
  breachedAt: Date | null;
}

// Both statements insert running clocks at their first level (warning), due
// at start + target, the warning at start + target × warn_at_percent.

/**
 * A case's response and resolution clocks under the policy `policyKey`. With
 * no such policy the LEFT JOIN yields a NULL policy_key, which the NOT NULL
 * column refuses: the statement fails, and with it the batch it is part of.
 */
export function insertCaseClocksIn(
  batch: WriteBatch,
  c: { kind: string; caseId: string; policyKey: string; at: Date },
): BatchPart<InsertedClock[]> {
  const inserted = batch.add(
    sql`INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent,
                                started_at, due_at, state, generation, next_level, next_at)
        SELECT ${c.kind}, ${c.caseId}::uuid, t.clock, p.key, p.version, t.secs, p.warn_at_percent,
               s.at, s.at + make_interval(secs => t.secs), 'running', 1, 'warning',
               s.at + make_interval(secs => t.secs * p.warn_at_percent / 100.0)
          FROM (VALUES ('response'), ('resolution')) AS c(clock)
         CROSS JOIN (SELECT ${c.at}::timestamptz AS at) AS s
          LEFT JOIN sla_policies p ON p.key = ${c.policyKey}
         CROSS JOIN LATERAL (SELECT c.clock, CASE c.clock WHEN 'response' THEN p.response_seconds ELSE p.resolution_seconds END) AS t(clock, secs)
        RETURNING id, clock, policy_key, policy_version, target_seconds, warn_at_percent`,
  );
  return inserted.map((found) => found.map((r) => insertedClock({ ...r, case_kind: c.kind, case_id: c.caseId })));
}

/**
 * The clocks of many cases in one statement. The resolution target is the
 * longer of the policy's and the case's floor. A case whose policy does not
 * exist gets no clocks (the caller checks the count), or, with
 * `failWithoutPolicy`, fails the statement as insertCaseClocksIn does (a batch
 * may run without a transaction: it must not commit a case without clocks).
 */
function insertClocksOfCasesSql(cases: CaseClocks[], at: Date, failWithoutPolicy: boolean): Sql {
  return sql`INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent,
                                     started_at, due_at, state, generation, next_level, next_at)
             SELECT s.kind, s.case_id, t.clock, p.key, p.version, t.secs, p.warn_at_percent,
                    n.at, n.at + make_interval(secs => t.secs), 'running', 1, 'warning',
                    n.at + make_interval(secs => t.secs * p.warn_at_percent / 100.0)
               FROM unnest(${cases.map((c) => c.kind)}::text[], ${cases.map((c) => c.caseId)}::uuid[], ${cases.map((c) => c.policyKey)}::text[],
                           ${cases.map((c) => c.minResolutionSeconds)}::int[]) AS s(kind, case_id, policy_key, min_resolution_secs)
              CROSS JOIN (SELECT ${at}::timestamptz AS at) AS n
               ${failWithoutPolicy ? sql`LEFT JOIN` : sql`JOIN`} sla_policies p ON p.key = s.policy_key
              CROSS JOIN LATERAL (VALUES ('response', p.response_seconds), ('resolution', greatest(p.resolution_seconds, s.min_resolution_secs))) AS t(clock, secs)
             RETURNING id, case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent`;
}

export async function insertClocksOfCases(db: Db, cases: CaseClocks[], at: Date): Promise<InsertedClock[]> {
  return (await rows<Record<string, unknown>>(db, insertClocksOfCasesSql(cases, at, false))).map(insertedClock);
}

export function insertClocksOfCasesIn(batch: WriteBatch, cases: CaseClocks[], at: Date): BatchPart<InsertedClock[]> {
  return batch.add(insertClocksOfCasesSql(cases, at, true)).map((found) => found.map(insertedClock));
}

function insertedClock(r: Record<string, unknown>): InsertedClock {
  return {
    id: r.id as string,
    caseKind: r.case_kind as string,
    caseId: r.case_id as string,
    clock: r.clock as ClockName,
    policyKey: r.policy_key as string,
    policyVersion: r.policy_version as number,
    targetSeconds: r.target_seconds as number,
    warnAtPercent: r.warn_at_percent as number,
  };
}

/** A case's clocks (resolution, response), locked for the caller's transaction. */
export function lockClocksOfCase(em: EntityManager, kind: string, caseId: string): Promise<SlaClock[]> {
  return em.find(SlaClock, { where: { caseKind: kind, caseId }, lock: { mode: 'pessimistic_write' }, order: { clock: 'ASC' } });
}

/** Writes what a state change or a re-target did to a clock. */
export async function updateClock(em: EntityManager, c: SlaClock): Promise<void> {
  await em.update(
    SlaClock,
    { id: c.id },
    {
      state: c.state,
      pausedAt: c.pausedAt,
      pausedMs: c.pausedMs,
      stoppedAt: c.stoppedAt,
      dueAt: c.dueAt,
      generation: c.generation,
      nextAt: c.nextAt,
      policyKey: c.policyKey,
      policyVersion: c.policyVersion,
      targetSeconds: c.targetSeconds,
      warnAtPercent: c.warnAtPercent,
    },
  );
}

/** A case's clocks (resolution, response). */
export function clocksOfCase(em: EntityManager, kind: string, caseId: string): Promise<SlaClock[]> {
  return em.find(SlaClock, { where: { caseKind: kind, caseId }, order: { clock: 'ASC' } });
}

/** The clocks of many cases of one kind, in no particular order. */
export function clocksOfCases(em: EntityManager, kind: string, caseIds: string[]): Promise<SlaClock[]> {
  return em.find(SlaClock, { where: { caseKind: kind, caseId: In(caseIds) } });
}

export async function clockTimer(db: Db, id: string): Promise<ClockTimer | undefined> {
  const row = await firstRow<{ generation: number; next_level: AlertLevel | null; next_at: Date | null; state: ClockState }>(
    db,
    sql`SELECT generation, next_level, next_at, state FROM sla_clocks WHERE id = ${id}`,
  );
  return row && { generation: row.generation, nextLevel: row.next_level, nextAt: row.next_at && new Date(row.next_at), state: row.state };
}

/**
 * Up to `limit` running clocks whose next threshold has passed, earliest
 * first, locked FOR UPDATE SKIP LOCKED (concurrent drains split the work
 * instead of queueing on it), with their case's number, customer and region
 * from the case index.
 */
export async function lockDueClocks(db: Db, limit: number): Promise<DueClock[]> {
  const found = await rows<{
    id: string;
    case_kind: string;
    case_id: string;
    clock: ClockName;
    started_at: Date;
    paused_ms: string;
    target_seconds: number;
    warn_at_percent: number;
    generation: number;
    next_level: AlertLevel;
    breached_at: Date | null;
    case_no: string;
    customer_id: string | null;
    region: string;
  }>(
    db,
    sql`SELECT c.id, c.case_kind, c.case_id, c.clock, c.started_at, c.paused_ms, c.target_seconds, c.warn_at_percent,
               c.generation, c.next_level, c.breached_at, ci.case_no, ci.customer_id, ci.region
          FROM sla_clocks c JOIN case_index ci ON ci.kind = c.case_kind AND ci.id = c.case_id
         WHERE c.state = 'running' AND c.next_at <= now()
         ORDER BY c.next_at
         LIMIT ${limit}
           FOR UPDATE OF c SKIP LOCKED`,
  );
  return found.map((r) => ({
    id: r.id,
    caseKind: r.case_kind,
    caseId: r.case_id,
    clock: r.clock,
    startedAt: new Date(r.started_at),
    pausedMs: Number(r.paused_ms),
    targetSeconds: r.target_seconds,
    warnAtPercent: r.warn_at_percent,
    generation: r.generation,
    nextLevel: r.next_level,
    breachedAt: r.breached_at,
    caseNo: r.case_no,
    customerId: r.customer_id,
    region: r.region,
  }));
}

/** Moves each clock to its next threshold, in one statement. */
export async function advanceClocks(db: Db, advances: ClockAdvance[]): Promise<void> {
  await execute(
    db,
    sql`UPDATE sla_clocks c SET next_level = u.next_level, next_at = u.next_at, breached_at = u.breached_at
          FROM unnest(${advances.map((a) => a.id)}::uuid[], ${advances.map((a) => a.nextLevel)}::text[],
                      ${advances.map((a) => a.nextAt)}::timestamptz[], ${advances.map((a) => a.breachedAt)}::timestamptz[])
               AS u(id, next_level, next_at, breached_at)
         WHERE c.id = u.id`,
  );
}

/** Running clocks whose next threshold falls within the next `horizonSeconds` (not yet passed). */
export function runningClocksDueWithin(em: EntityManager, horizonSeconds: number): Promise<SlaClock[]> {
  return em
    .getRepository(SlaClock)
    .createQueryBuilder('c')
    .where(`c.state = 'running' AND c.next_at > now() AND c.next_at <= now() + make_interval(secs => :h)`, { h: horizonSeconds })
    .getMany();
}
