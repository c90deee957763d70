import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { insertOpenedCasesIn } from '../cases/case-intake.repository';
import { nextCaseNo } from '../cases/case-number';
import { CasesService } from '../cases/cases.service';
import type { ClosedCase, ClosedCaseFollowUp } from '../cases/closed-case';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import type { PostCommit } from '../common/post-commit';
import { WriteBatch } from '../common/write-batch';
import { AppConfig } from '../config/app-config';
import { CustomersService } from '../customers/customers.service';
import { OutboxService } from '../outbox/outbox.service';
import { CALENDAR_24X7 } from '../calendars/calendars.port';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { callbackCreatedEvent } from './callback-events';
import { CALLBACK_SOURCE_KINDS, callbackSelection } from './callback-rules';
import { Callback } from './callback.entity';
import { insertCallback } from './callbacks.repository';

/** The call-back clock's policy key: it follows no policy row (ClockSpec.fixed), its target is CALLBACK_DUE_HOURS. */
export const CALLBACK_CLOCK_POLICY = 'callback';

/**
 * Decides and writes the call-back of a ticket being closed, inside the
 * closing's transaction (the kernel's CLOSED_CASE_FOLLOW_UP port, called by
 * TicketWorkflow on `resolved → closed`, by hand or by auto-close): the
 * call-back row, its case_index row and `created` timeline line, its clock,
 * `callback.created`, the audit row, and a `callback_scheduled` line on the
 * closed case. A closing that rolls back takes its call-back with it; one
 * that commits has it. At most one per case (a closed ticket is final).
 */
@Injectable()
export class CallbackCreator implements ClosedCaseFollowUp {
  constructor(
    private readonly config: AppConfig,
    private readonly customers: CustomersService,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  async closedIn(em: EntityManager, post: PostCommit, closed: ClosedCase, actor: AuthContext | null): Promise<void> {
    // An unlinked fault (network monitoring, never linked) names no customer to call back.
    if (!CALLBACK_SOURCE_KINDS.includes(closed.kind) || !closed.customerId) return;
    const ctx = await this.customers.caseContext(em, closed.customerId);
    const selectedBy = callbackSelection(ctx.tier, closed.greenChannel, closed.id, this.config.callbacks.samplePercent);
    if (!selectedBy) return;
    const now = closed.closedAt;
    const targetSeconds = Math.max(1, Math.round(this.config.callbacks.dueHours * 3600));
    const row: Callback = {
      id: randomUUID(),
      callbackNo: await nextCaseNo(em, 'callback', now),
      caseKind: closed.kind,
      caseId: closed.id,
      caseNumber: closed.caseNo,
      customerId: closed.customerId,
      region: closed.region,
      priority: closed.priority,
      greenChannel: closed.greenChannel,
      selectedBy,
      siteId: closed.siteId,
      contactName: closed.contact?.name ?? null,
      contactMobile: closed.contact?.mobile ?? null,
      state: 'pending',
      attempts: 0,
      assigneeId: null,
      score: null,
      comment: null,
      reasons: [],
      dueAt: new Date(now.getTime() + targetSeconds * 1000),
      finishedAt: null,
      complaintId: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    if (!(await insertCallback(em, row))) return; // the case has its call-back already
    const who = { staffId: actor?.staffId ?? null, username: actor?.username ?? 'system' };
    await WriteBatch.alone(em, (batch) =>
      insertOpenedCasesIn(batch, who, [
        {
          kind: 'callback',
          id: row.id,
          caseNo: row.callbackNo,
          customerId: row.customerId,
          region: row.region,
          title: `满意度回访：${closed.title}`,
          state: row.state,
          priority: row.priority,
          greenChannel: row.greenChannel,
          isOpen: true,
          assigneeId: null,
          openedAt: now,
          closedAt: null,
          created: {
            state: row.state,
            caseKind: row.caseKind,
            caseId: row.caseId,
            caseNumber: row.caseNumber,
            selectedBy,
            dueAt: row.dueAt,
          },
        },
      ]),
    );
    // Its own clock, wall time (24x7): "called back within 48 hours" is a promise in hours, not working time.
    await this.sla.openMany(
      em,
      post,
      [
        {
          kind: 'callback',
          caseId: row.id,
          policyKey: CALLBACK_CLOCK_POLICY,
          fixed: { clock: 'resolution', targetSeconds, calendarKey: CALENDAR_24X7, warnAtPercent: 75 },
        },
      ],
      now,
    );
    const names = await this.cases.namesOf(em, 'callback', row.id);
    await this.outbox.emit(em, post, 'callback.created', callbackCreatedEvent(row, names));
    await this.cases.record(em, closed.kind, closed.id, 'callback_scheduled', actor, {
      callbackId: row.id,
      callbackNo: row.callbackNo,
      dueAt: row.dueAt,
    });
    await this.audit.record(em, actor, {
      action: 'callback.created',
      entity: 'callback',
      entityId: row.id,
      changes: { caseKind: row.caseKind, caseId: row.caseId, caseNumber: row.caseNumber, selectedBy, dueAt: row.dueAt },
      regions: [row.region],
      customerId: row.customerId,
    });
  }
}
