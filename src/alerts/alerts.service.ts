import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { CasesService } from '../cases/cases.service';
import { OutboxService } from '../outbox/outbox.service';
import { AlertLevel, alertEventType } from '../sla/sla-levels.port';
import { Alert } from './alert.entity';
import { AlertError, AlertErrorCode } from './alerts.errors';
import { regionUnder } from '../common/escape-like';
import {
  NewAlert,
  alertPage,
  alertsOfCase,
  insertAlerts,
  lockAlert,
  lockOpenAlertsOfCase,
  markManyAcknowledged,
} from './alerts.repository';
import { alertAcknowledgedEvent, alertEventData } from './alert-events';

/** One level of one clock of one case, owed an alert. */
export type RaiseAlert = NewAlert;

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
    private readonly cases: CasesService,
  ) {}

  /**
   * The rows first, then their events, in the caller's transaction and in
   * one statement each: two statements per batch however many alerts (the
   * insert also reads each case's names and account manager for the events).
   * An alert that already exists (another worker raised it) is skipped: the
   * unique key on (case, clock, level) is what guarantees "once". Returns the
   * alerts this call inserted.
   */
  async raiseMany(em: EntityManager, post: PostCommit, alerts: RaiseAlert[]): Promise<(RaiseAlert & { id: string; raisedAt: Date })[]> {
    if (!alerts.length) return [];
    const rows = await insertAlerts(em, alerts);
    if (!rows.length) return [];
    const byKey = new Map(alerts.map((a) => [`${a.caseId}/${a.clock}/${a.level}`, a]));
    const raised = rows.map((r) => ({ ...byKey.get(`${r.caseId}/${r.clock}/${r.level}`)!, id: r.id, raisedAt: r.raisedAt }));
    await this.outbox.emitMany(
      em,
      post,
      raised.map((a, i) => {
        const escalation = ESCALATION[a.level];
        return {
          type: alertEventType(a.level),
          data: {
            ...alertEventData(a, rows[i].names),
            ...(escalation ? { escalation: { ...escalation, accountManagerId: rows[i].accountManagerId } } : {}),
          },
        };
      }),
    );
    return raised;
  }

  async list(auth: AuthContext, q: AlertQuery): Promise<Page<Alert>> {
    const { items, total } = await alertPage(this.dataSource.manager, {
      scope: scopePatterns(auth),
      open: q.open,
      level: q.level,
      regionPattern: q.region ? regionUnder(q.region) : undefined,
      kind: q.kind,
      customerId: q.customerId,
      limit: q.limit,
      offset: q.offset,
    });
    return { items, total, limit: q.limit, offset: q.offset };
  }

  /** Acknowledges one alert with an optional note; acknowledging again changes nothing (the first note stays). */
  async acknowledge(auth: AuthContext, id: string, note: string | null = null): Promise<Alert> {
    const post = new PostCommit();
    const alert = await this.dataSource.transaction(async (em) => {
      const alert = await lockAlert(em, id);
      if (!alert || !covers(auth, alert.region)) throw new AlertError(AlertErrorCode.ALERT_NOT_FOUND, `No alert ${id}`);
      if (alert.acknowledgedAt) return alert; // acknowledging twice is harmless
      const [acked] = await markManyAcknowledged(em, [id], auth.staffId, new Date(), note);
      await this.recordAcknowledged(em, post, auth, [acked]);
      return acked;
    });
    await post.run();
    return alert;
  }

  /**
   * Acknowledges every open alert of a case the caller's scope reaches, in
   * one transaction. 404 when the case has no alert in scope (another
   * region's case looks like no case); 200 with none acknowledged when all
   * were already.
   */
  async acknowledgeCase(
    auth: AuthContext,
    caseId: string,
    note: string | null,
  ): Promise<{ caseId: string; acknowledged: number; alertIds: string[] }> {
    const post = new PostCommit();
    const acked = await this.dataSource.transaction(async (em) => {
      const { open, any } = await lockOpenAlertsOfCase(em, caseId, scopePatterns(auth));
      if (!any) throw new AlertError(AlertErrorCode.ALERT_NOT_FOUND, `No alerts for case ${caseId}`);
      if (!open.length) return [];
      const alerts = await markManyAcknowledged(
        em,
        open.map((a) => a.id),
        auth.staffId,
        new Date(),
        note,
      );
      await this.recordAcknowledged(em, post, auth, alerts);
      return alerts;
    });
    await post.run();
    return { caseId, acknowledged: acked.length, alertIds: acked.map((a) => a.id) };
  }

  /** One audit row and one `alert.acknowledged` event per alert, in the caller's transaction. */
  private async recordAcknowledged(em: EntityManager, post: PostCommit, auth: AuthContext, alerts: Alert[]): Promise<void> {
    await this.audit.recordMany(
      em,
      auth,
      alerts.map((alert) => ({
        action: 'alert.acknowledged',
        entity: 'alert',
        entityId: alert.id,
        changes: { level: alert.level, caseNo: alert.caseNo, ...(alert.acknowledgedNote ? { note: alert.acknowledgedNote } : {}) },
        regions: [alert.region],
        customerId: alert.customerId,
      })),
    );
    // One read of the names for all of them.
    const names = await this.cases.names(
      em,
      alerts.map((a) => ({ kind: a.caseKind, id: a.caseId })),
    );
    await this.outbox.emitMany(
      em,
      post,
      alerts.map((a) => ({ type: 'alert.acknowledged' as const, data: alertAcknowledgedEvent(a, names.get(a.caseId)!) })),
    );
  }

  /** One alert the caller's region scope reaches; another region's alert reads as none (404). */
  async get(auth: AuthContext, id: string): Promise<Alert> {
    const alert = await this.dataSource.manager.findOne(Alert, { where: { id } });
    if (!alert || !covers(auth, alert.region)) throw new AlertError(AlertErrorCode.ALERT_NOT_FOUND, `No alert ${id}`);
    return alert;
  }

  forCase(caseKind: string, caseId: string): Promise<Alert[]> {
    return alertsOfCase(this.dataSource.manager, caseKind, caseId);
  }
}
