import { In } from 'typeorm';
import type { EntityManager } from 'typeorm';
import type { CaseNames } from '../cases/case-names';
import type { CaseNameRow } from '../cases/case-names.repository';
import { CASE_NAME_COLUMNS, CASE_NAME_JOINS, caseNamesOfRow } from '../cases/case-names.repository';
import type { Priority } from '../cases/priority';
import type { Db } from '../common/sql';
import { rows, sql } from '../common/sql';
import type { AlertLevel, ClockName } from '../sla/sla-levels.port';
import { Alert } from './alert.entity';

/** An alert to insert: one level of one clock of one case. */
export interface NewAlert {
  caseKind: string;
  caseId: string;
  caseNo: string;
  customerId: string | null;
  region: string;
  clockId: string;
  clock: ClockName;
  level: AlertLevel;
  dueAt: Date;
}

/** What an insert returns for each alert it created, with the names its event carries (read by the same statement). */
export interface InsertedAlert {
  id: string;
  raisedAt: Date;
  caseId: string;
  clock: ClockName;
  level: AlertLevel;
  names: CaseNames & { priority: Priority };
  /** The customer's account manager now (escalations name them). */
  accountManagerId: string | null;
}

export interface AlertFilter {
  /** LIKE patterns of the caller's scope, or null for nationwide. */
  scope: string[] | null;
  open?: boolean;
  level?: AlertLevel;
  /** A LIKE pattern: the region and everything under it. */
  regionPattern?: string;
  kind?: string;
  customerId?: string;
  limit: number;
  offset: number;
}

/**
 * Inserts the alerts in one statement; one that exists already (another
 * worker raised it) is skipped on the unique (case, clock, level). Returns
 * those this statement inserted, each with its case's names as the case
 * index stands (title, priority, customer, region, assignee, account
 * manager: src/cases/case-names.ts), joined in the same statement, so a
 * drained batch costs no more statements than before however many alerts
 * it raises (a LEFT JOIN: an alert is never lost for want of a name).
 */
export async function insertAlerts(db: Db, alerts: NewAlert[]): Promise<InsertedAlert[]> {
  const col = <K extends keyof NewAlert>(k: K) => alerts.map((a) => a[k]);
  const inserted = await rows<CaseNameRow & { id: string; raised_at: Date; case_id: string; clock: ClockName; level: AlertLevel }>(
    db,
    sql`WITH ins AS (
          INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, customer_id, region)
          SELECT * FROM unnest(${col('caseKind')}::text[], ${col('caseId')}::uuid[], ${col('caseNo')}::text[], ${col('clockId')}::uuid[],
                               ${col('clock')}::text[], ${col('level')}::text[], ${col('dueAt')}::timestamptz[], ${col('customerId')}::uuid[],
                               ${col('region')}::text[])
          ON CONFLICT (case_kind, case_id, clock, level) DO NOTHING
          RETURNING id, raised_at, case_kind, case_id, clock, level
        )
        SELECT ins.id, ins.raised_at, ins.case_id, ins.clock, ins.level, ${CASE_NAME_COLUMNS}
          FROM ins LEFT JOIN case_index ci ON ci.kind = ins.case_kind AND ci.id = ins.case_id
          ${CASE_NAME_JOINS}`,
  );
  return inserted.map((r) => ({
    id: r.id,
    raisedAt: new Date(r.raised_at),
    caseId: r.case_id,
    clock: r.clock,
    level: r.level,
    names: caseNamesOfRow(r),
    accountManagerId: r.account_manager_id,
  }));
}

/** Newest first, one page, with the total. */
export async function alertPage(em: EntityManager, f: AlertFilter): Promise<{ items: Alert[]; total: number }> {
  const qb = em.getRepository(Alert).createQueryBuilder('a');
  if (f.scope) qb.andWhere('a.region LIKE ANY(:scope)', { scope: f.scope });
  if (f.open !== undefined) qb.andWhere(f.open ? 'a.acknowledged_at IS NULL' : 'a.acknowledged_at IS NOT NULL');
  if (f.level) qb.andWhere('a.level = :level', { level: f.level });
  if (f.regionPattern) qb.andWhere('a.region LIKE :region', { region: f.regionPattern });
  if (f.kind) qb.andWhere('a.case_kind = :kind', { kind: f.kind });
  if (f.customerId) qb.andWhere('a.customer_id = :customerId', { customerId: f.customerId });
  const [items, total] = await qb.orderBy('a.raised_at', 'DESC').addOrderBy('a.id').take(f.limit).skip(f.offset).getManyAndCount();
  return { items, total };
}

/** The alert, locked for the caller's transaction. */
export function lockAlert(em: EntityManager, id: string): Promise<Alert | null> {
  return em.findOne(Alert, { where: { id }, lock: { mode: 'pessimistic_write' } });
}

/**
 * The open alerts of a case within the caller's scope, locked for the
 * caller's transaction (oldest first, so two acknowledgements lock in the
 * same order), and whether the case has any alert in scope at all.
 */
export async function lockOpenAlertsOfCase(
  em: EntityManager,
  caseId: string,
  scope: string[] | null,
): Promise<{ open: Alert[]; any: boolean }> {
  const qb = () => {
    const q = em.getRepository(Alert).createQueryBuilder('a').where('a.case_id = :caseId', { caseId });
    if (scope) q.andWhere('a.region LIKE ANY(:scope)', { scope });
    return q;
  };
  const open = await qb()
    .andWhere('a.acknowledged_at IS NULL')
    .orderBy('a.raised_at')
    .addOrderBy('a.id')
    .setLock('pessimistic_write')
    .getMany();
  return { open, any: open.length > 0 || (await qb().getExists()) };
}

/** Acknowledges the alerts (all still open: the caller holds their locks) and returns them as they are now. */
export async function markManyAcknowledged(em: EntityManager, ids: string[], by: string, at: Date, note: string | null): Promise<Alert[]> {
  await em.update(Alert, { id: In(ids) }, { acknowledgedBy: by, acknowledgedAt: at, acknowledgedNote: note });
  return em.find(Alert, { where: { id: In(ids) }, order: { raisedAt: 'ASC', id: 'ASC' } });
}

/** A case's alerts, oldest first. */
export function alertsOfCase(em: EntityManager, caseKind: string, caseId: string): Promise<Alert[]> {
  return em.find(Alert, { where: { caseKind, caseId }, order: { raisedAt: 'ASC' } });
}
