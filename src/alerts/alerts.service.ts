import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { AlertLevel, ClockName, alertEventType } from '../sla/sla-levels';
import { Alert } from './alert.entity';
import { AlertError, AlertErrorCode } from './alerts.errors';
import { regionUnder } from '../common/escape-like';

export interface RaiseAlert {
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

export interface AlertQuery {
  open?: boolean;
  level?: AlertLevel;
  region?: string;
  kind?: string;
  customerId?: string;
  limit: number;
  offset: number;
}

/** Who an escalation goes to (docs/ARCHITECTURE.md, "Alert levels"); consumers route by these roles. */
const ESCALATION: Partial<Record<AlertLevel, { level: number; notify: string[] }>> = {
  escalated_2: { level: 2, notify: ['account_manager', 'regional_lead'] },
  escalated_3: { level: 3, notify: ['department_director'] },
};

@Injectable()
export class AlertsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * The rows first, then their events, in the caller's transaction and in
   * one statement each. An alert that already exists (another worker raised
   * it) is skipped: the unique key on (case, clock, level) is what guarantees
   * "once". Returns the alerts this call inserted.
   */
  async raiseMany(em: EntityManager, post: PostCommit, alerts: RaiseAlert[]): Promise<(RaiseAlert & { id: string; raisedAt: Date })[]> {
    if (!alerts.length) return [];
    const col = <K extends keyof RaiseAlert>(k: K) => alerts.map((a) => a[k]);
    const rows: { id: string; raised_at: Date; case_id: string; clock: string; level: string }[] = await em.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, customer_id, region)
       SELECT * FROM unnest($1::text[], $2::uuid[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::timestamptz[], $8::uuid[], $9::text[])
       ON CONFLICT (case_kind, case_id, clock, level) DO NOTHING
       RETURNING id, raised_at, case_id, clock, level`,
      [
        col('caseKind'),
        col('caseId'),
        col('caseNo'),
        col('clockId'),
        col('clock'),
        col('level'),
        col('dueAt'),
        col('customerId'),
        col('region'),
      ],
    );
    if (!rows.length) return [];
    const byKey = new Map(alerts.map((a) => [`${a.caseId}/${a.clock}/${a.level}`, a]));
    const raised = rows.map((r) => ({ ...byKey.get(`${r.case_id}/${r.clock}/${r.level}`)!, id: r.id, raisedAt: new Date(r.raised_at) }));
    const escalated = [
      ...new Set(
        raised
          .filter((a) => ESCALATION[a.level])
          .map((a) => a.customerId)
          .filter((id): id is string => id !== null),
      ),
    ];
    const managers = new Map<string, string | null>(
      escalated.length
        ? (await em.query(`SELECT id, account_manager_id FROM customers WHERE id = ANY($1)`, [escalated])).map(
            (c: { id: string; account_manager_id: string | null }) => [c.id, c.account_manager_id],
          )
        : [],
    );
    await this.outbox.emitMany(
      em,
      post,
      raised.map((a) => {
        const escalation = ESCALATION[a.level];
        return {
          type: alertEventType(a.level),
          data: {
            alertId: a.id,
            caseKind: a.caseKind,
            caseId: a.caseId,
            caseNo: a.caseNo,
            customerId: a.customerId,
            region: a.region,
            clock: a.clock,
            level: a.level,
            dueAt: a.dueAt.toISOString(),
            raisedAt: a.raisedAt.toISOString(),
            ...(escalation
              ? { escalation: { ...escalation, accountManagerId: (a.customerId && managers.get(a.customerId)) ?? null } }
              : {}),
          },
        };
      }),
    );
    return raised;
  }

  async list(auth: AuthContext, q: AlertQuery): Promise<Page<Alert>> {
    const qb = this.dataSource.getRepository(Alert).createQueryBuilder('a');
    const scope = scopePatterns(auth);
    if (scope) qb.andWhere('a.region LIKE ANY(:scope)', { scope });
    if (q.open !== undefined) qb.andWhere(q.open ? 'a.acknowledged_at IS NULL' : 'a.acknowledged_at IS NOT NULL');
    if (q.level) qb.andWhere('a.level = :level', { level: q.level });
    if (q.region) qb.andWhere('a.region LIKE :region', { region: regionUnder(q.region) });
    if (q.kind) qb.andWhere('a.case_kind = :kind', { kind: q.kind });
    if (q.customerId) qb.andWhere('a.customer_id = :customerId', { customerId: q.customerId });
    const [items, total] = await qb.orderBy('a.raised_at', 'DESC').addOrderBy('a.id').take(q.limit).skip(q.offset).getManyAndCount();
    return { items, total, limit: q.limit, offset: q.offset };
  }

  async acknowledge(auth: AuthContext, id: string): Promise<Alert> {
    return this.dataSource.transaction(async (em) => {
      const alert = await em.findOne(Alert, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!alert || !covers(auth, alert.region)) throw new AlertError(AlertErrorCode.ALERT_NOT_FOUND, `No alert ${id}`);
      if (alert.acknowledgedAt) return alert; // acknowledging twice is harmless
      await em.update(Alert, { id }, { acknowledgedBy: auth.staffId, acknowledgedAt: new Date() });
      await this.audit.record(em, auth, {
        action: 'alert.acknowledged',
        entity: 'alert',
        entityId: id,
        changes: { level: alert.level, caseNo: alert.caseNo },
        regions: [alert.region],
        customerId: alert.customerId,
      });
      return (await em.findOneBy(Alert, { id }))!;
    });
  }

  forCase(caseKind: string, caseId: string): Promise<Alert[]> {
    return this.dataSource.getRepository(Alert).find({ where: { caseKind, caseId }, order: { raisedAt: 'ASC' } });
  }
}
