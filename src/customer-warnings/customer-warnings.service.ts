import { chinaDate, chinaMonth } from '../common/time/china-days';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { type AuthContext, hasRole } from '../common/auth/auth-context';
import { isNationwide, scopePatterns } from '../common/auth/region-scope';
import { regionUnder } from '../common/escape-like';
import { staleVersion } from '../common/errors/common-errors';
import { apiPath } from '../common/http/api-path';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import type { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { AppConfig } from '../config/app-config';
import { inScope } from '../customers/customer-access.port';
import { OutboxService } from '../outbox/outbox.service';
import { QueueName } from '../queues/queue-names';
import { RegionsService } from '../regions/regions.service';
import { customerWarningEvent } from './customer-warning-events';
import { CustomerWarningError, CustomerWarningErrorCode } from './customer-warnings.errors';
import {
  type EvaluationResult,
  type EvaluationRow,
  type Visibility,
  type WarningRow,
  findEvaluation,
  findWarning,
  finishEvaluation,
  insertEvaluation,
  markAcknowledged,
  openWarningsOf,
  staleQueuedEvaluations,
  startEvaluation,
  warningPage,
} from './customer-warnings.repository';
import type { AckCustomerWarningDto, CustomerWarningQuery, CustomerWarningView, EvaluationView } from './dto/customer-warning.dto';
import { WARNING_SIGNALS, type WarningSignal, type WarningThresholds, chinaIsoWeek, thresholdsOf } from './warning-signals';
import { billPeriods, evaluateSignals } from './warning-signals.repository';

export const EVALUATE_JOB = 'evaluate-customer-warnings';
export const DAILY_JOB = 'evaluate-customer-warnings-daily';
export const SWEEP_JOB = 'sweep-customer-warning-evaluations';
export const evaluationJobId = (id: string) => `evaluation-${id}`;

/**
 * Abnormal-customer warnings (异常客户预警, issue 14 point 5; docs/REPORTS.md,
 * "Customer warnings"): the evaluation the 06:00 job and admins run, and
 * the warnings' list, detail and acknowledgement.
 *
 * Who sees a warning: admins all; directors and hotline agents those of
 * customers in their regions (home or a site, as for the customer record);
 * account managers those of their own customers. Acknowledging: admins,
 * directors in scope, the customer's account manager; not agents (they see
 * warnings to know who is calling, and hand them on).
 */
@Injectable()
export class CustomerWarningsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.customerWarnings) private readonly queue: Queue,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly regions: RegionsService,
    private readonly config: AppConfig,
  ) {}

  /* ---- reading and acknowledging ---- */

  async list(auth: AuthContext, q: CustomerWarningQuery): Promise<Page<CustomerWarningView>> {
    const { items, total } = await warningPage(this.dataSource.manager, {
      visibility: visibilityOf(auth),
      regionPattern: q.region ? regionUnder(q.region) : undefined,
      signal: q.signal,
      state: q.state,
      customerId: q.customerId,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: items.map((w) => this.view(w)), total, limit: q.limit, offset: q.offset };
  }

  async get(auth: AuthContext, id: string): Promise<CustomerWarningView> {
    const w = await findWarning(this.dataSource.manager, id);
    if (!w || !maySee(auth, w)) throw notFound(id);
    return this.view(w);
  }

  /**
   * Acknowledges with a note, under the warning's row lock: audited; a
   * warning already acknowledged is answered as it is (the first note
   * stays), so a retry changes nothing; a stale expectedVersion on an open
   * warning is 409.
   */
  async acknowledge(auth: AuthContext, id: string, dto: AckCustomerWarningDto): Promise<CustomerWarningView> {
    const row = await this.dataSource.transaction(async (em) => {
      const w = await findWarning(em, id, true);
      if (!w || !maySee(auth, w)) throw notFound(id);
      if (!mayAcknowledge(auth, w))
        throw new CustomerWarningError(
          CustomerWarningErrorCode.CUSTOMER_WARNING_ACK_FORBIDDEN,
          'Only the customer’s account manager, a director of its region or an admin may acknowledge its warnings',
        );
      if (w.state === 'acknowledged') return w;
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== w.version)
        throw staleVersion('warning', dto.expectedVersion, w.version);
      const acknowledged = await markAcknowledged(em, id, w.version, auth.staffId, dto.note);
      if (!acknowledged) throw staleVersion('warning', w.version);
      await this.audit.record(em, auth, {
        action: 'customer_warning.acknowledged',
        entity: 'customer_warning',
        entityId: id,
        changes: { signal: w.signal, week: w.week, note: dto.note },
        regions: [w.homeRegion, ...w.siteRegions],
        customerId: w.customerId,
      });
      return acknowledged;
    });
    return this.view(row);
  }

  /** The open warnings of a customer the caller may see (the console's 360° overview checks that first), newest first. */
  async openOf(customerId: string, limit: number): Promise<{ items: CustomerWarningView[]; total: number }> {
    const { items, total } = await openWarningsOf(this.dataSource.manager, customerId, limit);
    return { items: items.map((w) => this.view(w)), total };
  }

  /* ---- evaluating ---- */

  /** POST /customer-warnings/evaluate: the evaluation row and its job (after commit); 202 with the row. */
  async requestEvaluation(auth: AuthContext): Promise<EvaluationView> {
    const id = randomUUID();
    const post = new PostCommit();
    const row = await this.dataSource.transaction(async (em) => {
      const r = await insertEvaluation(em, { id, trigger: 'request', by: auth.staffId });
      await this.audit.record(em, auth, {
        action: 'customer_warnings.evaluation_requested',
        entity: 'customer_warning_evaluation',
        entityId: id,
        regions: [],
      });
      await recordOutcome(em, { resource: apiPath('customer-warnings', 'evaluations', id) });
      return r;
    });
    post.add(() => this.enqueue(id));
    await post.run();
    return evaluationView(row);
  }

  async evaluation(id: string): Promise<EvaluationView> {
    const row = await findEvaluation(this.dataSource.manager, id);
    if (!row) throw new CustomerWarningError(CustomerWarningErrorCode.CUSTOMER_WARNING_EVALUATION_NOT_FOUND, `No evaluation ${id}`);
    return evaluationView(row);
  }

  /** The 06:00 job: an evaluation of its own, windows ending at the job's run. */
  async daily(now = new Date()): Promise<EvaluationView> {
    const id = randomUUID();
    await insertEvaluation(this.dataSource.manager, { id, trigger: 'schedule', by: null });
    return this.runEvaluation(id, now);
  }

  /** Re-adds the jobs of evaluations still queued after a minute (lost with Redis); the job id makes a live one a no-op. */
  async sweep(): Promise<number> {
    const ids = await staleQueuedEvaluations(this.dataSource.manager);
    // One Redis round trip for the (at most 100) ids instead of one each.
    if (ids.length) await this.queue.addBulk(ids.map(evaluationJob));
    return ids.length;
  }

  /**
   * One evaluation, windows ending at `at` (when it starts running):
   * every signal for every customer in one statement, the warnings it
   * creates, their `customer.warning` events and audit rows in one
   * transaction (evaluateSignals, warning-signals.repository.ts). Safe to
   * run twice or beside another evaluation: the (customer, signal, week) key
   * makes each warning and its event once.
   */
  async runEvaluation(id: string, at = new Date()): Promise<EvaluationView> {
    const db = this.dataSource.manager;
    const week = chinaIsoWeek(at);
    if (!(await startEvaluation(db, id, at, week))) return this.evaluation(id);
    try {
      const thresholds = this.thresholds();
      const bills = await billPeriods(db, chinaMonth(at));
      const skipped: Record<string, string> = {};
      if (!bills) skipped.bill_drop = 'no completed bill run yet';
      const post = new PostCommit();
      const found = await this.dataSource.transaction(async (em) => {
        const warnings = await evaluateSignals(em, {
          evaluationId: id,
          at: at.toISOString(),
          today: chinaDate(at),
          week,
          thresholds,
          thresholdsBySignal: Object.fromEntries(WARNING_SIGNALS.map((s) => [s, thresholdsOf(s, thresholds)])) as Record<
            WarningSignal,
            Record<string, number>
          >,
          bills,
        });
        const created = warnings.filter((w) => w.created);
        await this.outbox.emitMany(
          em,
          post,
          created.map((w) => ({
            type: 'customer.warning' as const,
            data: customerWarningEvent(w, { regionName: this.regions.find(w.region)?.fullName ?? w.region, evaluationId: id }),
          })),
        );
        await this.audit.recordMany(
          em,
          null,
          created.map((w) => ({
            action: 'customer_warning.raised',
            entity: 'customer_warning',
            entityId: w.id,
            changes: { signal: w.signal, week: w.week, figures: w.figures, evaluationId: id },
            regions: [w.region],
            customerId: w.customerId,
          })),
        );
        return warnings;
      });
      await post.run();
      const result: EvaluationResult = { raised: {}, refreshed: {}, skipped };
      for (const w of found) {
        const bucket = w.created ? result.raised : result.refreshed;
        bucket[w.signal] = (bucket[w.signal] ?? 0) + 1;
      }
      await finishEvaluation(db, id, { result });
    } catch (err) {
      await finishEvaluation(db, id, { error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
    return this.evaluation(id);
  }

  private thresholds(): WarningThresholds {
    return { ...this.config.customerWarnings };
  }

  private enqueue(id: string): Promise<void> {
    const job = evaluationJob(id);
    return this.queue.add(job.name, job.data, job.opts).then(() => undefined);
  }

  private view(w: WarningRow): CustomerWarningView {
    return {
      id: w.id,
      customerId: w.customerId,
      customerNo: w.customerNo,
      customerName: w.customerName,
      region: w.region,
      regionName: this.regions.find(w.region)?.fullName ?? w.region,
      accountManagerId: w.accountManagerId,
      signal: w.signal,
      week: w.week,
      state: w.state,
      figures: w.figures,
      thresholds: w.thresholds,
      raisedAt: w.raisedAt.toISOString(),
      lastEvaluatedAt: w.lastEvaluatedAt.toISOString(),
      acknowledgedBy: w.acknowledgedBy,
      acknowledgedAt: w.acknowledgedAt ? w.acknowledgedAt.toISOString() : null,
      note: w.ackNote,
      version: w.version,
    };
  }
}

const notFound = (id: string) => new CustomerWarningError(CustomerWarningErrorCode.CUSTOMER_WARNING_NOT_FOUND, `No customer warning ${id}`);

/** Admins everything; directors and agents their regions; account managers their own customers (roles add up). */
export function maySee(auth: AuthContext, w: WarningRow): boolean {
  if (hasRole(auth, 'admin')) return true;
  if (hasRole(auth, 'director', 'agent') && inScope(auth, w)) return true;
  return hasRole(auth, 'account_manager') && w.accountManagerId === auth.staffId;
}

function mayAcknowledge(auth: AuthContext, w: WarningRow): boolean {
  if (hasRole(auth, 'admin')) return true;
  if (hasRole(auth, 'director') && inScope(auth, w)) return true;
  return hasRole(auth, 'account_manager') && w.accountManagerId === auth.staffId;
}

function visibilityOf(auth: AuthContext): Visibility {
  if (hasRole(auth, 'admin')) return { all: true };
  const regional = hasRole(auth, 'director', 'agent');
  if (regional && isNationwide(auth)) return { all: true };
  return {
    all: false,
    patterns: regional ? scopePatterns(auth) : null,
    managerId: hasRole(auth, 'account_manager') ? auth.staffId : null,
  };
}

const evaluationView = (r: EvaluationRow): EvaluationView => ({
  id: r.id,
  trigger: r.trigger,
  requestedBy: r.requestedBy,
  state: r.state,
  windowEnd: r.windowEnd ? r.windowEnd.toISOString() : null,
  week: r.week,
  result: r.result,
  error: r.error,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt ? r.startedAt.toISOString() : null,
  finishedAt: r.finishedAt ? r.finishedAt.toISOString() : null,
});

/** An evaluation's job; its id makes adding it again while it lives a no-op. */
function evaluationJob(id: string) {
  return { name: EVALUATE_JOB, data: { id }, opts: { jobId: evaluationJobId(id) } };
}
