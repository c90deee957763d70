import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CasesService } from '../cases/cases.service';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { apiPath } from '../common/http/api-path';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import type { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { CustomersService } from '../customers/customers.service';
import { FaultsService } from '../faults/faults.service';
import { OutboxService } from '../outbox/outbox.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { StaffService } from '../staff/staff.service';
import { callbackLowScoreEvent } from './callback-events';
import { CALLBACK_FINAL_STATES, LOW_SCORE_MAX, stateAfterAttempt } from './callback-rules';
import { maySeeCallbackContact, toCallbackDto } from './callback-view';
import { Callback } from './callback.entity';
import { CallbackError, CallbackErrorCode, callbackNotFound } from './callbacks.errors';
import { attemptsOf, callbackPage, insertAttempt, lockCallback } from './callbacks.repository';
import type { CallbackAttemptInput, CallbackComplaintInput, CallbackDto, CallbackQuery } from './dto/callback.dto';

/**
 * The call-back queue (满意度回访; docs/ARCHITECTURE.md, "Call-backs"): lists
 * and reads in the caller's scope, attempts under the call-back's row lock,
 * a low score's complaint through the faults module's intake. Call-backs are
 * created by CallbackCreator when a ticket is closed.
 */
@Injectable()
export class CallbacksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly staff: StaffService,
    private readonly faults: FaultsService,
  ) {}

  async list(auth: AuthContext, q: CallbackQuery): Promise<Page<CallbackDto>> {
    const [rows, total] = await callbackPage(this.dataSource.manager, auth, q);
    const clocks = await this.sla.forCases(
      'callback',
      rows.map((r) => r.id),
    );
    const cards = await this.staff.refs(rows.map((r) => r.assigneeId));
    // The numbers of the complaints some call-backs turned into, in one read for the page.
    const complaintNos = await this.cases.caseNumbersOf(
      'complaint',
      rows.flatMap((r) => (r.complaintId ? [r.complaintId] : [])),
    );
    return {
      // Lists never show full numbers: opening one call-back is what reveals (and audits) it.
      items: rows.map((r, i) =>
        toCallbackDto(r, clocks.get(r.id)?.[0], false, {
          assignee: cards[i],
          complaintNo: r.complaintId ? (complaintNos.get(r.complaintId) ?? null) : null,
        }),
      ),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /** By id or number (CB-…); the agent working it sees the contact in full, and that read is audited. */
  get(auth: AuthContext, ref: string): Promise<CallbackDto> {
    return this.cases.read(ref, ['callback'], callbackNotFound, (id) => this.view(auth, id, true));
  }

  /**
   * One call made: not reached → retried (`in_progress`), the third time
   * `unreachable`; reached with a score → `done`. A final state stops the
   * clock and takes the call-back out of the console queue. A score of 1–2
   * emits `callback.low_score` for the account manager. Under the row lock,
   * so concurrent attempts are counted one after another (never a fourth).
   */
  async attempt(auth: AuthContext, id: string, dto: CallbackAttemptInput): Promise<CallbackDto> {
    if (dto.reached && dto.score === undefined)
      throw invalidFields({ field: 'score', message: 'is required when the customer was reached' });
    if (!dto.reached && dto.score !== undefined)
      throw invalidFields({ field: 'score', message: 'is given only when the customer was reached' });
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const { row, accountManagerId } = await this.locked(em, auth, id);
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== row.version)
        throw staleVersion('callback', dto.expectedVersion, row.version);
      if (CALLBACK_FINAL_STATES.includes(row.state)) {
        throw new CallbackError(CallbackErrorCode.CALLBACK_FINISHED, `The call-back is ${row.state}: it takes no more attempts`, {
          extensions: { state: row.state },
        });
      }
      const now = new Date();
      const n = row.attempts + 1;
      const state = stateAfterAttempt(n, dto.reached);
      const final = CALLBACK_FINAL_STATES.includes(state);
      const reasons = dto.reasons ?? [];
      await insertAttempt(em, {
        callbackId: row.id,
        n,
        reached: dto.reached,
        score: dto.score ?? null,
        comment: dto.comment ?? null,
        reasons,
        byId: auth.staffId,
        byName: auth.username,
        at: now,
      });
      const changes = {
        state,
        attempts: n,
        assigneeId: auth.staffId,
        ...(dto.reached ? { score: dto.score!, comment: dto.comment ?? null, reasons } : {}),
        ...(final ? { finishedAt: now } : {}),
        updatedAt: now,
      };
      await guardedUpdate<Callback>(em, Callback, { id: row.id }, row.version, changes, 'callback');
      if (final) await this.sla.apply(em, post, 'callback', row.id, ['stop_all'], now);
      await this.cases.updateIndex(em, 'callback', row.id, {
        state,
        assigneeId: auth.staffId,
        ...(final ? { isOpen: false, closedAt: now } : {}),
      });
      await this.cases.record(em, 'callback', row.id, 'attempt', auth, {
        n,
        reached: dto.reached,
        score: dto.score ?? null,
        comment: dto.comment ?? null,
        reasons,
        state: { from: row.state, to: state },
      });
      if (dto.reached && dto.score! <= LOW_SCORE_MAX) {
        const names = await this.cases.namesOf(em, 'callback', row.id);
        await this.outbox.emit(em, post, 'callback.low_score', callbackLowScoreEvent({ ...row, ...changes }, names, accountManagerId));
      }
      await this.audit.record(em, auth, {
        action: 'callback.attempt_recorded',
        entity: 'callback',
        entityId: row.id,
        changes: { n, reached: dto.reached, score: dto.score ?? null, reasons, state: { from: row.state, to: state } },
        regions: [row.region],
        customerId: row.customerId,
      });
      await recordOutcome(em, { resource: apiPath('callbacks', row.id) });
    });
    await post.run();
    return this.view(auth, id, false);
  }

  /**
   * A low score turned into a complaint in one call, through the complaint
   * intake (FaultsService.open) in the call-back's transaction: the complaint
   * names the call-back and the original case (its `created` timeline line and
   * audit row: `origin`), the call-back keeps `complaintId`. Once raised,
   * asking again answers the same complaint (whatever the Idempotency-Key).
   */
  async complaint(auth: AuthContext, id: string, dto: CallbackComplaintInput): Promise<CallbackDto> {
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const { row } = await this.locked(em, auth, id);
      if (row.complaintId) {
        await recordOutcome(em, { resource: apiPath('callbacks', row.id) });
        return;
      }
      if (row.state !== 'done' || row.score === null || row.score > LOW_SCORE_MAX) {
        throw new CallbackError(
          CallbackErrorCode.CALLBACK_NOT_LOW_SCORE,
          `A complaint is raised from a call-back done with a score of ${LOW_SCORE_MAX} or less (this one: ${row.state}, score ${row.score ?? 'none'})`,
          { extensions: { state: row.state, score: row.score } },
        );
      }
      const reporterName = dto.reporterName ?? row.contactName;
      const reporterMobile = dto.reporterMobile ?? row.contactMobile;
      if (!reporterName || !reporterMobile) {
        throw invalidFields(
          ...(!reporterName ? [{ field: 'reporterName', message: 'is required: the call-back names no contact' }] : []),
          ...(!reporterMobile ? [{ field: 'reporterMobile', message: 'is required: the call-back names no contact' }] : []),
        );
      }
      const complaint = await this.faults.open(
        em,
        post,
        auth,
        {
          customerId: row.customerId,
          category: 'complaint',
          severity: dto.severity ?? 'major',
          title: `回访不满意：${row.caseNumber}`,
          description: [
            `满意度回访 ${row.callbackNo}（${row.caseNumber}）评分 ${row.score}`,
            row.reasons.length ? `原因：${row.reasons.join('、')}` : null,
            row.comment ? `客户意见：${row.comment}` : null,
            dto.description ?? null,
          ]
            .filter((x) => x !== null)
            .join('\n'),
          reportedVia: 'hotline',
          ...(row.siteId ? { siteId: row.siteId } : {}),
          reporterName,
          reporterMobile,
        },
        { callbackId: row.id, callbackNo: row.callbackNo, caseKind: row.caseKind, caseId: row.caseId, caseNumber: row.caseNumber },
      );
      await guardedUpdate<Callback>(
        em,
        Callback,
        { id: row.id },
        row.version,
        { complaintId: complaint.id, updatedAt: new Date() },
        'callback',
      );
      await this.cases.record(em, 'callback', row.id, 'complaint_raised', auth, {
        complaintId: complaint.id,
        complaintNo: complaint.caseNo,
      });
      await this.cases.record(em, row.caseKind, row.caseId, 'complaint_raised', auth, {
        complaintId: complaint.id,
        complaintNo: complaint.caseNo,
        callbackId: row.id,
      });
      await this.audit.record(em, auth, {
        action: 'callback.complaint_raised',
        entity: 'callback',
        entityId: row.id,
        changes: { complaintId: complaint.id, complaintNo: complaint.caseNo },
        regions: [row.region],
        customerId: row.customerId,
      });
      await recordOutcome(em, { resource: apiPath('callbacks', row.id) });
    });
    await post.run();
    return this.view(auth, id, false);
  }

  // ---- internals ----

  /** The call-back locked for a change, if the caller may see it (404 otherwise), with its customer's account manager. */
  private async locked(em: EntityManager, auth: AuthContext, id: string): Promise<{ row: Callback; accountManagerId: string | null }> {
    const row = await lockCallback(em, id);
    if (!row) throw callbackNotFound(id);
    return { row, accountManagerId: await this.assertCanSee(em, auth, row) };
  }

  /** The case modules' rule: its region, its customer's home region, or the caller manages the customer; 404 otherwise. */
  private async assertCanSee(em: EntityManager, auth: AuthContext, row: Callback): Promise<string | null> {
    const owner = await this.customers.ownership(em, row.customerId);
    if (!(covers(auth, row.region) || covers(auth, owner.homeRegion) || owner.accountManagerId === auth.staffId))
      throw callbackNotFound(row.id);
    return owner.accountManagerId;
  }

  private async view(auth: AuthContext, id: string, auditRead: boolean): Promise<CallbackDto> {
    const em = this.dataSource.manager;
    const row = await em.findOne(Callback, { where: { id } });
    if (!row) throw callbackNotFound(id);
    const accountManagerId = await this.assertCanSee(em, auth, row);
    const unmasked = maySeeCallbackContact(auth, row, accountManagerId);
    if (unmasked && auditRead && row.contactMobile !== null) {
      await this.audit.recordStandalone(auth, {
        action: 'callback.contact_unmasked',
        entity: 'callback',
        entityId: row.id,
        regions: [row.region],
        customerId: row.customerId,
      });
    }
    const [clocks, [assignee], attempts, complaintNo] = await Promise.all([
      this.sla.forCase('callback', row.id),
      this.staff.refs([row.assigneeId]),
      attemptsOf(em, row.id),
      row.complaintId ? this.cases.caseNumberOf('complaint', row.complaintId) : Promise.resolve(null),
    ]);
    return toCallbackDto(row, clocks[0], unmasked, { assignee, complaintNo, attempts });
  }
}
