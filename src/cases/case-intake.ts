import { Injectable } from '@nestjs/common';
import { AuditService } from '../common/audit/audit.service';
import type { AuditRecord } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { recordOutcomeIn } from '../common/idempotency/idempotent-outcome';
import type { PostCommit } from '../common/post-commit';
import type { Db } from '../common/sql';
import { BatchPart, WriteBatch } from '../common/write-batch';
import { OutboxService } from '../outbox/outbox.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import type { ClockSpec } from '../sla/sla-clocks.service';
import { insertOpenedCasesIn } from './case-intake.repository';
import type { CaseIndexEntry } from './case-index.entity';

/** A new case as the index shows it: open, unassigned, opened at `openedAt`. */
export type NewCase = Pick<
  CaseIndexEntry,
  'kind' | 'id' | 'caseNo' | 'customerId' | 'region' | 'title' | 'state' | 'priority' | 'greenChannel' | 'openedAt'
> & {
  /** The data of its `created` timeline line. */
  created: Record<string, unknown>;
  /** The customer's contract asks for 24×7 on everything: the clocks count on `24x7` (so does the green channel). */
  contract24x7?: boolean;
};

/** Each new case's clocks, (resolution, response), by case id. */
export type OpenedClocks = Awaited<ReturnType<SlaClocksService['openMany']>>;

/** An event type the outbox knows (`fault.created`…). */
type EventType = Parameters<OutboxService['emitIn']>[2];

/** Everything an intake writes beside the clocks; the kind supplies its own rows and payloads. */
export interface CaseOpening {
  /** The kind's own rows, added to the batch by its repository (e.g. insertFaultIn). */
  rows(batch: WriteBatch): void;
  /** The new cases (one, or an order and its work orders): index rows and `created` timeline lines. */
  cases: NewCase[];
  /** The kind's `<kind>.created` event, from its `<kind>-events.ts` builder. */
  event: { type: EventType; data: Record<string, unknown> };
  audit: AuditRecord;
  /**
   * The new case's own URL (apiPath), recorded as the outcome of the request's
   * Idempotency-Key in the same statement. Left out when the case is opened
   * inside another case's transaction (an inquiry converted), which records its own.
   */
  resource?: string;
  /** Work after commit beside the clocks' timers and the relay's wake-up: the kind's dispatch job. */
  afterCommit?: () => Promise<unknown>;
}

/**
 * How every kind of case is opened (docs/ARCHITECTURE.md, "The life of a
 * case" step 3): the kind's rows, the `case_index` rows, the `created`
 * timeline lines, both SLA clocks of every case, the event, the audit row and
 * the idempotency outcome, as parts of one WriteBatch — one statement, which
 * PostgreSQL applies whole or not at all, so no transaction is needed for
 * atomicity (measured cheapest: docs/PERFORMANCE.md, "Fault intake" and
 * "Code health (issue 10)"). Timers, the relay's wake-up and the kind's
 * dispatch are registered on `post` for after commit.
 *
 * `db` is the DataSource's manager (the statement commits on its own) or a
 * transaction's manager, when the kind needs one around the intake (an
 * inquiry converted in its own transaction).
 */
@Injectable()
export class CaseIntake {
  constructor(
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /**
   * Opens the cases with their clocks in the same statement, each under the
   * policy `<kind>:P<priority>` in force unless `clocks` says otherwise.
   * A missing policy fails the statement: no case without its clocks.
   */
  async open(db: Db, post: PostCommit, auth: AuthContext, opening: CaseOpening, clocks?: ClockSpec[]): Promise<OpenedClocks> {
    const batch = new WriteBatch();
    const opened = clocks
      ? this.sla.openManyIn(batch, post, clocks, opening.cases[0].openedAt)
      : this.openEachIn(batch, post, opening.cases);
    this.fill(batch, post, auth, opening);
    await batch.run(db);
    return opened.value;
  }

  /**
   * For a kind whose own rows carry what its clocks work out (an order's
   * committed completion and its work orders' due times are their resolution
   * clocks' due times): the SLA engine lays the clocks out in memory from the
   * policy in force, `build` reads their due times, and the clocks go into
   * the same batch as everything else — one statement, like `open`, so `db`
   * may be the DataSource's manager (no transaction needed) or a
   * transaction's (an inquiry converted, a facade writing beside the order).
   */
  async openAfterClocks(
    db: Db,
    post: PostCommit,
    auth: AuthContext,
    clocks: ClockSpec[],
    at: Date,
    build: (clocks: OpenedClocks) => CaseOpening,
  ): Promise<OpenedClocks> {
    const batch = new WriteBatch();
    const opened = this.sla.openManyLaidOutIn(batch, post, clocks, at);
    this.fill(batch, post, auth, build(opened));
    await batch.run(db);
    return opened;
  }

  /** Each case's two clocks under its own `<kind>:P<priority>` policy (openIn: the cheaper SQL for one case). */
  private openEachIn(batch: WriteBatch, post: PostCommit, cases: NewCase[]): BatchPart<OpenedClocks> {
    const parts = cases.map((c) => {
      const spec = { kind: c.kind, caseId: c.id, policyKey: `${c.kind}:P${c.priority}`, around24x7: c.greenChannel || !!c.contract24x7 };
      return [c.id, this.sla.openIn(batch, post, spec, c.openedAt)] as const;
    });
    return new BatchPart(() => new Map(parts.map(([id, part]) => [id, part.value])));
  }

  private fill(batch: WriteBatch, post: PostCommit, auth: AuthContext, opening: CaseOpening): void {
    opening.rows(batch);
    insertOpenedCasesIn(
      batch,
      auth,
      opening.cases.map((c) => ({ ...c, isOpen: true, assigneeId: null, closedAt: null })),
    );
    this.outbox.emitIn(batch, post, opening.event.type, opening.event.data);
    this.audit.recordIn(batch, auth, opening.audit);
    if (opening.resource) recordOutcomeIn(batch, { resource: opening.resource });
    const afterCommit = opening.afterCommit;
    if (afterCommit) post.add(afterCommit);
  }
}
