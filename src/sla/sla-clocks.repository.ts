import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import type { Db, Sql } from '../common/sql';
import { execute, firstRow, join, rows, sql } from '../common/sql';
import type { BatchPart, WriteBatch } from '../common/write-batch';
import type { ClockState } from './sla-clock.entity';
import { SlaClock } from './sla-clock.entity';
import type { AlertLevel, ClockName, StoredLevelTimes } from './sla-levels.port';

/** A running clock whose next threshold has passed, with what its alerts need from the case index. */
export interface DueClock {
  id: string;
  caseKind: string;
  caseId: string;
  clock: ClockName;
  /** Its level instants, as laid out (clock-layout.ts). */
  levels: StoredLevelTimes;
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

/**
 * Clocks laid out by the engine (ids chosen by it), as one INSERT: plain
 * VALUES, one row per clock, so an intake's clocks are one part of its batch
 * whatever the number of cases.
 */
function insertClocksSql(clocks: SlaClock[]): Sql {
  return sql`INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                                     started_at, paused_ms, worked_ms, resumed_at, warn_at, due_at, escalate_2_at, escalate_3_at,
                                     state, generation, next_level, next_at)
             VALUES ${join(
               clocks.map(
                 (c) => sql`(${c.id}, ${c.caseKind}, ${c.caseId}, ${c.clock}, ${c.policyKey}, ${c.policyVersion}, ${c.calendarKey},
                             ${c.targetSeconds}, ${c.warnAtPercent}, ${c.startedAt}, ${c.pausedMs}, ${c.workedMs}, ${c.resumedAt},
                             ${c.warnAt}, ${c.dueAt}, ${c.escalate2At}, ${c.escalate3At}, ${c.state}, ${c.generation}, ${c.nextLevel}, ${c.nextAt})`,
               ),
             )}`;
}

export async function insertClocks(db: Db, clocks: SlaClock[]): Promise<void> {
  await execute(db, insertClocksSql(clocks));
}

/** insertClocks as part of a batch (an intake's one statement); resolves to the clocks once the batch has run. */
export function insertClocksIn(batch: WriteBatch, clocks: SlaClock[]): BatchPart<SlaClock[]> {
  return batch.add(insertClocksSql(clocks)).map(() => clocks);
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
      workedMs: c.workedMs,
      resumedAt: c.resumedAt,
      stoppedAt: c.stoppedAt,
      calendarKey: c.calendarKey,
      warnAt: c.warnAt,
      dueAt: c.dueAt,
      escalate2At: c.escalate2At,
      escalate3At: c.escalate3At,
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
    warn_at: Date | null;
    due_at: Date;
    escalate_2_at: Date | null;
    escalate_3_at: Date | null;
    generation: number;
    next_level: AlertLevel;
    breached_at: Date | null;
    case_no: string;
    customer_id: string | null;
    region: string;
  }>(
    db,
    sql`SELECT c.id, c.case_kind, c.case_id, c.clock, c.warn_at, c.due_at, c.escalate_2_at, c.escalate_3_at, c.generation, c.next_level, c.breached_at, ci.case_no, ci.customer_id, ci.region
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
    levels: {
      warnAt: r.warn_at && new Date(r.warn_at),
      dueAt: new Date(r.due_at),
      escalate2At: r.escalate_2_at && new Date(r.escalate_2_at),
      escalate3At: r.escalate_3_at && new Date(r.escalate_3_at),
    },
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

/** What arming a clock's timer reads of it (SlaClocksService.armAll). */
export type ArmableClock = Pick<SlaClock, 'id' | 'generation' | 'state' | 'nextLevel' | 'nextAt'>;

/**
 * Running clocks whose next threshold falls within the next `horizonSeconds`
 * (not yet passed): only what arming reads, as plain rows (a sweep may find
 * thousands; hydrating entities for them held the event loop).
 */
export function runningClocksDueWithin(db: Db, horizonSeconds: number): Promise<ArmableClock[]> {
  return rows<ArmableClock>(
    db,
    sql`SELECT id, generation, state, next_level AS "nextLevel", next_at AS "nextAt" FROM sla_clocks
         WHERE state = 'running' AND next_at > now() AND next_at <= now() + make_interval(secs => ${horizonSeconds})`,
  );
}

/** Up to `limit` running clocks on any of `calendarKeys` with ids after `afterId`, by id, locked for the caller's transaction. */
export function lockRunningClocksOn(em: EntityManager, calendarKeys: string[], afterId: string | null, limit: number): Promise<SlaClock[]> {
  const qb = em
    .getRepository(SlaClock)
    .createQueryBuilder('c')
    .where(`c.state = 'running' AND c.calendar_key IN (:...keys)`, { keys: calendarKeys });
  if (afterId) qb.andWhere('c.id > :afterId', { afterId });
  return qb.orderBy('c.id').limit(limit).setLock('pessimistic_write').getMany();
}

/** Writes clocks laid out again (a calendar changed under them), in one statement. */
export async function updateLaidOut(db: Db, clocks: SlaClock[]): Promise<void> {
  await execute(
    db,
    sql`UPDATE sla_clocks c SET generation = u.generation, warn_at = u.warn_at, due_at = u.due_at,
                               escalate_2_at = u.escalate_2_at, escalate_3_at = u.escalate_3_at, next_at = u.next_at
          FROM unnest(${clocks.map((x) => x.id)}::uuid[], ${clocks.map((x) => x.generation)}::int[],
                      ${clocks.map((x) => x.warnAt)}::timestamptz[], ${clocks.map((x) => x.dueAt)}::timestamptz[],
                      ${clocks.map((x) => x.escalate2At)}::timestamptz[], ${clocks.map((x) => x.escalate3At)}::timestamptz[],
                      ${clocks.map((x) => x.nextAt)}::timestamptz[])
               AS u(id, generation, warn_at, due_at, escalate_2_at, escalate_3_at, next_at)
         WHERE c.id = u.id`,
  );
}
