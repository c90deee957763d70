import { staffRef } from '../staff/dto/staff-ref.dto';
import { Inject, Injectable } from '@nestjs/common';
import { CLOSED_CASE_FOLLOW_UP } from '../cases/closed-case';
import type { ClosedCaseFollowUp } from '../cases/closed-case';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CasesService } from '../cases/cases.service';
import { leastBusyEngineerIn, resolvedBefore, unassignedOpen, unassignedOpenIn } from './tickets.repository';
import { NO_CUSTOMER_TERMS, Priority, casePriority } from '../cases/priority';
import {
  TICKET_FINAL_STATES,
  TICKET_NEEDS_REASON,
  TICKET_OPEN_STATES,
  TicketState,
  allowedTicketMoves,
  canMoveTicket,
  clockEffects,
} from '../cases/ticket-lifecycle';
import { guardedUpdate, type RowChanges } from '../common/guarded-update';
import { AuditService } from '../common/audit/audit.service';
import { hasRole } from '../common/auth/auth-context';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import { PostCommit } from '../common/post-commit';
import { CustomersService } from '../customers/customers.service';
import { OutboxService } from '../outbox/outbox.service';
import { RegionsService } from '../regions/regions.service';
import { RostersService } from '../rosters/rosters.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { StaffService } from '../staff/staff.service';
import { TicketKind, TicketRow } from './ticket-kind.port';
import { ticketAssignedEvent, ticketStateChangedEvent } from './ticket-events';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

export type TicketWork<T> = (
  em: EntityManager,
  post: PostCommit,
  row: T,
) => Promise<{ action: string; changes: Record<string, unknown> } | null>;

/** A re-prioritisation: what changes besides priority and green channel (severity, category), and the new base priority. */
export interface Reprioritisation<T> {
  fields: Partial<T>;
  base: Priority;
  /** Those fields as {from, to}, for the timeline and the audit row. */
  changed: Record<string, { from: unknown; to: unknown }>;
}

export interface TransitionInput {
  to: TicketState;
  note?: string;
  reason?: string;
  expectedVersion?: number;
}

/**
 * The ticket lifecycle (src/cases/ticket-lifecycle.ts; docs/ARCHITECTURE.md,
 * "Ticket lifecycle"), shared by faults, complaints and support requests:
 * transitions with their clock effects, assignment, notes, feedback, the
 * timeline, and the index, event and audit rows that go with each, all in the
 * ticket's own transaction under a row lock. Each kind says what differs
 * (table, names, errors, access) in a TicketKind.
 */
@Injectable()
export class TicketWorkflow {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly staff: StaffService,
    private readonly regions: RegionsService,
    private readonly customers: CustomersService,
    private readonly rosters: RostersService,
    // The call-backs module provides it in every process: a wiring mistake fails at boot, never closes without a call-back.
    @Inject(CLOSED_CASE_FOLLOW_UP) private readonly followUp: ClosedCaseFollowUp,
  ) {}

  /**
   * Every change to a ticket: row lock, access, version check, the work, its
   * audit row, commit, then the post-commit work (timers, relay, dispatch).
   */
  async change<T extends TicketRow>(
    kind: TicketKind<T>,
    auth: AuthContext | null,
    id: string,
    expectedVersion: number | undefined,
    work: TicketWork<T>,
  ): Promise<void> {
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const row = await em.findOne<T>(kind.entity, { where: { id } as never, lock: { mode: 'pessimistic_write' } });
      if (!row) throw kind.error('NOT_FOUND', `No ${kind.noun} ${id}`);
      if (auth) await kind.assertCanSee(auth, row, em);
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion(kind.noun, expectedVersion, row.version);
      const done = await work(em, post, row);
      if (done) {
        await this.audit.record(em, auth, {
          action: done.action,
          entity: kind.auditEntity,
          entityId: id,
          changes: done.changes,
          regions: [row.region],
          customerId: row.customerId,
        });
      }
    });
    await post.run();
  }

  async transition<T extends TicketRow>(kind: TicketKind<T>, auth: AuthContext, id: string, dto: TransitionInput): Promise<void> {
    await this.change(kind, auth, id, dto.expectedVersion, async (em, post, row) => {
      if (!canMoveTicket(row.state, dto.to)) {
        throw kind.error(
          'ILLEGAL_TRANSITION',
          `A ${kind.noun} in ${row.state} cannot move to ${dto.to}; allowed: ${allowedTicketMoves(row.state).join(', ') || 'none'}`,
          { extensions: { state: row.state, allowedTransitions: allowedTicketMoves(row.state) } },
        );
      }
      if (TICKET_NEEDS_REASON.includes(dto.to) && !dto.reason)
        throw invalidFields({ field: 'reason', message: `is required to move to ${dto.to}` });
      const from = row.state;
      const now = new Date();
      const changes: Partial<TicketRow> & { state: TicketState } = {
        state: dto.to,
        ...(dto.to === 'resolved' ? { resolvedAt: now } : {}),
        ...(TICKET_FINAL_STATES.includes(dto.to) ? { closedAt: now } : {}),
        ...(from === 'resolved' && dto.to === 'in_progress' ? { resolvedAt: null } : {}),
      };
      await this.moved(
        kind,
        em,
        post,
        row,
        changes,
        now,
        auth,
        { from, to: dto.to, note: dto.note, reason: dto.reason },
        dto.reason ?? null,
      );
      return { action: `${kind.actionPrefix}.state_changed`, changes: { state: { from, to: dto.to }, reason: dto.reason } };
    });
  }

  /** Manual assignment by a dispatcher: an active engineer whose scope covers the ticket's region. */
  async assign<T extends TicketRow>(kind: TicketKind<T>, auth: AuthContext, id: string, engineerId: string): Promise<void> {
    await this.change(kind, auth, id, undefined, async (em, post, row) => {
      this.assertOpen(kind, row);
      const engineer = await this.staff.findActiveWithRole(engineerId, 'engineer', em);
      const covering =
        engineer && (engineer.regions.includes('CN') || this.regions.chain(row.region).some((r) => engineer.regions.includes(r.code)));
      if (!covering)
        throw invalidFields({ field: 'engineerId', message: `must be an active engineer whose regions cover the ${kind.noun}’s region` });
      await this.applyAssignment(kind, em, post, row, engineerId, auth);
      return { action: `${kind.actionPrefix}.assigned`, changes: { assigneeId: { from: row.assigneeId, to: engineerId } } };
    });
  }

  /** Shared by manual assignment and the dispatchers: row, index, timeline and event together. */
  async applyAssignment<T extends TicketRow>(
    kind: TicketKind<T>,
    em: EntityManager,
    post: PostCommit,
    row: T,
    engineerId: string,
    actor: AuthContext | null,
  ): Promise<void> {
    const caseKind = kind.caseKind(row);
    await this.save(kind, em, row, { assigneeId: engineerId });
    await this.cases.updateIndex(em, caseKind, row.id, { assigneeId: engineerId });
    await this.cases.record(em, caseKind, row.id, 'assigned', actor, {
      from: row.assigneeId,
      to: engineerId,
      by: actor ? 'staff' : 'dispatch',
    });
    // Read after the index took the new assignee: the event names them (one query per change).
    const names = await this.cases.namesOf(em, caseKind, row.id);
    await this.outbox.emit(em, post, kind.events.assigned, ticketAssignedEvent(kind, row, engineerId, names));
  }

  /**
   * The engineer to dispatch a ticket of `region` to: the least busy of those
   * on duty now by the roster, the on-duty flag being the override
   * (docs/ARCHITECTURE.md, "Duty roster"). Load is the open tickets of any
   * kind in the case index, so faults and support requests share one
   * measure. Null when nobody can take it. `em` null: outside any transaction.
   */
  async leastBusyEngineer(em: EntityManager | null, region: string): Promise<string | null> {
    const covering = [...this.regions.chain(region).map((r) => r.code), 'CN'];
    return leastBusyEngineerIn(
      em ?? this.dataSource.manager,
      covering,
      this.rosters.coveringShiftsStatement('engineer', region, new Date()),
    );
  }

  async addNote<T extends TicketRow>(kind: TicketKind<T>, auth: AuthContext, id: string, text: string, author?: string): Promise<void> {
    await this.change(kind, auth, id, undefined, async (em, _post, row) => {
      await this.save(kind, em, row, {});
      await this.cases.record(em, kind.caseKind(row), row.id, 'note', auth, author ? { text, author } : { text });
      await recordOutcome(em, { resource: apiPath(kind.path, row.id) });
      return { action: `${kind.actionPrefix}.note_added`, changes: { length: text.length } };
    });
  }

  async feedback<T extends TicketRow>(kind: TicketKind<T>, auth: AuthContext, id: string, score: number, comment?: string): Promise<void> {
    await this.change(kind, auth, id, undefined, async (em, _post, row) => {
      if (row.state !== 'resolved' && row.state !== 'closed') {
        throw kind.error('FEEDBACK_NOT_ALLOWED', `Feedback is taken once the case is resolved or closed (now ${row.state})`);
      }
      if (row.feedbackScore !== null) throw kind.error('FEEDBACK_GIVEN', 'Feedback was already recorded for this case');
      await this.save(kind, em, row, { feedbackScore: score, feedbackComment: comment ?? null, feedbackAt: new Date() });
      await this.cases.record(em, kind.caseKind(row), row.id, 'feedback', auth, { score, comment });
      return { action: `${kind.actionPrefix}.feedback`, changes: { score } };
    });
  }

  /**
   * A new base (severity, category) or a director’s green-channel grant on
   * this one case: a new priority, and the clocks re-targeted under the new
   * policy keeping the elapsed time (a target already passed fires at once).
   * Faults (severity) and support requests (category) both come through here.
   */
  async reprioritise<T extends TicketRow>(
    kind: TicketKind<T>,
    auth: AuthContext,
    id: string,
    expectedVersion: number,
    greenChannel: boolean | undefined,
    plan: (row: T) => Reprioritisation<T>,
  ): Promise<void> {
    if (greenChannel !== undefined && !hasRole(auth, 'director', 'admin')) {
      throw kind.error('GREEN_CHANNEL_NEEDS_DIRECTOR', 'Only a director may grant or withdraw the green channel on a case');
    }
    await this.change(kind, auth, id, expectedVersion, async (em, post, row) => {
      this.assertOpen(kind, row);
      const { tier, contract24x7 } = row.customerId ? await this.customers.caseContext(em, row.customerId) : NO_CUSTOMER_TERMS;
      const { fields, base, changed } = plan(row);
      const green = greenChannel ?? row.greenChannel;
      const priority = casePriority(base, tier, green);
      const caseKind = kind.caseKind(row);
      await this.save(kind, em, row, {
        ...(fields as Record<string, unknown>),
        greenChannel: green,
        priority,
        ...(greenChannel !== undefined ? { greenChannelGrantedBy: greenChannel ? auth.staffId : null } : {}),
      });
      // The green channel also moves the clocks onto 24x7 (and off it), even at an unchanged priority.
      if (priority !== row.priority || green !== row.greenChannel) {
        await this.sla.retarget(em, post, caseKind, row.id, { priority, greenChannel: green, contract24x7 });
      }
      await this.cases.updateIndex(em, caseKind, row.id, { priority, greenChannel: green });
      await this.cases.record(em, caseKind, row.id, 'retargeted', auth, {
        ...changed,
        greenChannel: { from: row.greenChannel, to: green },
        priority: { from: `P${row.priority}`, to: `P${priority}` },
      });
      return {
        action: `${kind.actionPrefix}.${greenChannel !== undefined ? 'green_channel_changed' : 'updated'}`,
        changes: { ...changed, greenChannel: { from: row.greenChannel, to: green }, priority: { from: row.priority, to: priority } },
      };
    });
  }

  /** Who holds the ticket and who manages its customer, by name and work phone (one query). */
  async people(assigneeId: string | null, accountManagerId: string | null) {
    const [assignee, accountManager] = await this.staff.refs([assigneeId, accountManagerId]);
    return { assignee, accountManager };
  }

  /**
   * The same for a page of tickets, in two queries whatever its size (the
   * customers' account managers, then every name): a function from a row
   * of the page to its people.
   */
  async peopleOfPage(page: { assigneeId: string | null; customerId: string | null }[]) {
    const managers = await this.customers.accountManagerIds(page.map((r) => r.customerId).filter((id): id is string => !!id));
    const cards = await this.staff.cards([...page.map((r) => r.assigneeId), ...managers.values()].filter((id): id is string => !!id));
    return (r: { assigneeId: string | null; customerId: string | null }) => ({
      assignee: staffRef(cards, r.assigneeId),
      accountManager: staffRef(cards, r.customerId ? managers.get(r.customerId) : null),
    });
  }

  /** A ticket's region, read without a lock (it never changes after intake); null when there is no such ticket. */
  async regionOf<T extends TicketRow>(kind: TicketKind<T>, id: string): Promise<string | null> {
    const row = await this.dataSource.getRepository(kind.entity).findOne({ where: { id } as never, select: { region: true } as never });
    return row?.region ?? null;
  }

  /** Loads one ticket the caller may see (404 otherwise), with the customer's account manager. */
  async load<T extends TicketRow>(
    kind: TicketKind<T>,
    auth: AuthContext,
    id: string,
  ): Promise<{ row: T; accountManagerId: string | null }> {
    const row = await this.dataSource.getRepository(kind.entity).findOneBy({ id } as never);
    if (!row) throw kind.error('NOT_FOUND', `No ${kind.noun} ${id}`);
    const accountManagerId = await kind.assertCanSee(auth, row, this.dataSource.manager);
    return { row, accountManagerId };
  }

  async timeline<T extends TicketRow>(kind: TicketKind<T>, auth: AuthContext, id: string) {
    const { row } = await this.load(kind, auth, id);
    return this.cases.timeline(kind.caseKind(row), row.id);
  }

  /** Closes tickets left resolved longer than the given time (the customer did not object). */
  async autoClose<T extends TicketRow>(kind: TicketKind<T>, olderThanHours: number): Promise<number> {
    const due = await resolvedBefore(this.dataSource.manager, kind.table, olderThanHours);
    let closed = 0;
    for (const id of due) {
      await this.change(kind, null, id, undefined, async (em, post, row) => {
        if (row.state !== 'resolved') return null; // changed meanwhile
        const now = new Date();
        await this.moved(
          kind,
          em,
          post,
          row,
          { state: 'closed', closedAt: now },
          now,
          null,
          { from: 'resolved', to: 'closed', reason: 'closed automatically' },
          'auto_close',
        );
        closed += 1;
        return { action: `${kind.actionPrefix}.auto_closed`, changes: { state: { from: 'resolved', to: 'closed' } } };
      });
    }
    return closed;
  }

  /**
   * Open tickets nobody has taken, most urgent first, for the upkeep sweep to
   * dispatch again: an engineer may have come on duty since, or a dispatch job
   * was lost with Redis. Ignores the last 30 s, whose jobs are still on their way.
   */
  async waitingForEngineer<T extends TicketRow>(
    kind: TicketKind<T>,
    limit = 1000,
  ): Promise<{ id: string; priority: number; greenChannel: boolean; region: string }[]> {
    return unassignedOpen(this.dataSource.manager, kind.table, limit);
  }

  /** The open unassigned tickets of one region, in the dispatch queue's order (priority, green channel first, oldest first), however new. */
  async waitingInRegion<T extends TicketRow>(kind: TicketKind<T>, region: string, limit: number): Promise<string[]> {
    return unassignedOpenIn(this.dataSource.manager, kind.table, region, limit);
  }

  assertOpen<T extends TicketRow>(kind: TicketKind<T>, row: T): void {
    if (TICKET_FINAL_STATES.includes(row.state)) throw kind.error('CLOSED', `The case is ${row.state}`);
  }

  /** Bumps the version with the given changes (an empty change still marks the ticket as touched). */
  async save<T extends TicketRow>(
    kind: TicketKind<T>,
    em: EntityManager,
    row: T,
    changes: RowChanges<TicketRow> & Record<string, unknown>,
  ): Promise<void> {
    await guardedUpdate<TicketRow>(em, kind.entity, { id: row.id }, row.version, changes, kind.noun);
  }

  /** A state change's row, clocks, index, timeline and event. */
  private async moved<T extends TicketRow>(
    kind: TicketKind<T>,
    em: EntityManager,
    post: PostCommit,
    row: T,
    changes: Partial<TicketRow> & { state: TicketState },
    now: Date,
    actor: AuthContext | null,
    timeline: Record<string, unknown> & { from: TicketState; to: TicketState },
    eventReason: string | null,
  ): Promise<void> {
    const caseKind = kind.caseKind(row);
    const { from, to } = timeline;
    await this.save(kind, em, row, changes);
    await this.sla.apply(em, post, caseKind, row.id, clockEffects(from, to), now);
    await this.cases.updateIndex(em, caseKind, row.id, {
      state: to,
      isOpen: TICKET_OPEN_STATES.includes(to),
      closedAt: TICKET_FINAL_STATES.includes(to) ? now : null,
    });
    await this.cases.record(em, caseKind, row.id, 'state_changed', actor, timeline);
    const names = await this.cases.namesOf(em, caseKind, row.id);
    await this.outbox.emit(
      em,
      post,
      kind.events.stateChanged,
      ticketStateChangedEvent(kind, { ...row, ...changes }, { from, to, reason: eventReason }, names),
    );
    // Closed by hand or automatically: the satisfaction call-back is decided in the same transaction (no closing without it).
    if (to === 'closed') {
      await this.followUp.closedIn(
        em,
        post,
        {
          kind: caseKind,
          id: row.id,
          caseNo: row.caseNo,
          customerId: row.customerId,
          region: row.region,
          title: names.title,
          priority: row.priority,
          greenChannel: row.greenChannel,
          closedAt: now,
          ...kind.followUp(row),
        },
        actor,
      );
    }
  }
}
