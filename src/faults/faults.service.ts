import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { CaseIntake } from '../cases/case-intake';
import { CasesService } from '../cases/cases.service';
import { NO_CUSTOMER_TERMS, SEVERITY_BASE, casePriority } from '../cases/priority';
import { nextCaseNo } from '../cases/case-number';
import { TICKET_OPEN_STATES } from '../cases/ticket-lifecycle';
import { covers } from '../common/auth/region-scope';
import { assertCanRead } from '../customers/customer-access.port';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { CaseContext, CustomersService } from '../customers/customers.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { NEW_TICKET, TicketFailure, TicketKind } from '../tickets/ticket-kind.port';
import { TicketDesk } from '../tickets/ticket-desk.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import { CreateFaultDto, FaultDto, FaultQuery, LinkFaultDto, TransitionDto, UpdateFaultDto } from './dto/fault.dto';
import type { FaultIntake } from './dto/fault.dto';
import { FaultDispatcher } from './fault-dispatcher';
import { faultEventData } from './fault-events';
import { Fault } from './fault.entity';
import type { DuplicateRef } from './fault.entity';
import { maySeeReporter, toFaultDto } from './fault-view';
import { FaultError, FaultErrorCode, faultNotFound } from './faults.errors';
import { insertFaultIn, faultPage, faultsByIds } from './faults.repository';
import type { BatchPart } from '../common/write-batch';
import { apiPath } from '../common/http/api-path';
import { intakeNames } from '../cases/case-names';
import { RegionsService } from '../regions/regions.service';

const FAULT_FAILURES: Record<TicketFailure, FaultErrorCode> = {
  NOT_FOUND: FaultErrorCode.FAULT_NOT_FOUND,
  CUSTOMER_ARCHIVED: FaultErrorCode.FAULT_CUSTOMER_ARCHIVED,
  ILLEGAL_TRANSITION: FaultErrorCode.FAULT_ILLEGAL_TRANSITION,
  CLOSED: FaultErrorCode.FAULT_CLOSED,
  FEEDBACK_NOT_ALLOWED: FaultErrorCode.FAULT_FEEDBACK_NOT_ALLOWED,
  FEEDBACK_GIVEN: FaultErrorCode.FAULT_FEEDBACK_GIVEN,
  GREEN_CHANNEL_NEEDS_DIRECTOR: FaultErrorCode.FAULT_GREEN_CHANNEL_NEEDS_DIRECTOR,
};

@Injectable()
export class FaultsService extends TicketDesk<Fault> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    customers: CustomersService,
    private readonly intake: CaseIntake,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly audit: AuditService,
    private readonly dispatcher: FaultDispatcher,
    private readonly regions: RegionsService,
    tickets: TicketWorkflow,
  ) {
    super(tickets, customers, faultNotFound);
  }

  /** What the shared ticket behaviour needs to know about faults and complaints. */
  readonly kind: TicketKind<Fault> = {
    entity: Fault,
    table: 'faults',
    path: 'faults',
    noun: 'fault',
    auditEntity: 'fault',
    actionPrefix: 'fault',
    caseKind: (f) => f.category,
    events: { stateChanged: 'fault.state_changed', assigned: 'fault.assigned' },
    eventData: faultEventData,
    error: (failure, detail, options) => new FaultError(FAULT_FAILURES[failure], detail, options),
    assertCanSee: (auth, f, em) => this.assertCanSee(auth, f, em),
    followUp: (f) => ({
      contact: f.reporterName && f.reporterMobile ? { name: f.reporterName, mobile: f.reporterMobile } : null,
      siteId: f.siteId,
    }),
  };

  /**
   * One call from the hotline: the fault, its clocks, its event and its
   * dispatch, atomically, through the case kernel's intake (CaseIntake: one
   * statement, no transaction needed; the customer read before it takes no
   * lock either way).
   */
  async create(auth: AuthContext, dto: CreateFaultDto): Promise<FaultDto> {
    const post = new PostCommit();
    const out = await this.open(this.dataSource.manager, post, auth, dto, null);
    await post.run();
    return out;
  }

  /**
   * The intake itself. `em` is the DataSource's manager for POST /faults, or
   * the transaction of a larger change that opens a complaint as part of it
   * (a satisfaction call-back turned into a complaint, src/callbacks: `origin`
   * is then the link back, kept on the complaint's `created` timeline line
   * and audit row, and the caller records the idempotency outcome and runs
   * `post` after its commit). `resourceOf`: the URL an Idempotency-Key's
   * replay reads the new case at, when the request came through another
   * route than POST /faults (a TMF621 ticket's own URL).
   */
  async open(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    dto: FaultIntake,
    origin: Record<string, unknown> | null,
    resourceOf: (id: string) => string = (id) => apiPath('faults', id),
  ): Promise<FaultDto> {
    const customerId = dto.customerId;
    const { ctx, region, now, priority, caseNo } = customerId
      ? await this.admit(em, auth, customerId, dto, {
          severity: dto.severity,
          caseKind: dto.category,
          locate: (ctx) => this.locate(dto, ctx),
        })
      : await this.admitUnlinked(em, auth, dto);
    const { region: _given, ...fields } = dto;
    const row: Fault = {
      ...fields,
      customerId,
      id: randomUUID(),
      serviceInstanceId: dto.serviceInstanceId ?? null,
      siteId: dto.siteId ?? null,
      caseNo,
      region,
      ...NEW_TICKET,
      priority,
      greenChannel: ctx?.greenChannel ?? false,
      createdBy: auth.staffId,
      createdAt: now,
      updatedAt: now,
      possibleDuplicateOf: [],
    };
    // Every row of the new case in one statement (CaseIntake; profiled: the
    // round trips, not the SQL, were the cost of intake).
    let duplicates: BatchPart<DuplicateRef[]> | undefined;
    const clocks = await this.intake.open(em, post, auth, {
      rows: (batch) => {
        duplicates = insertFaultIn(batch, row);
      },
      cases: [
        {
          kind: row.category,
          id: row.id,
          caseNo,
          customerId: row.customerId,
          region,
          title: row.title,
          state: row.state,
          priority,
          greenChannel: row.greenChannel,
          contract24x7: ctx?.contract24x7 ?? false,
          openedAt: now,
          created: { state: row.state, priority: `P${priority}`, reportedVia: row.reportedVia, ...(origin ? { origin } : {}) },
        },
      ],
      // The names come with the customer read above and the regions in memory: no round trip more.
      event: {
        type: 'fault.created',
        data: faultEventData(row, intakeNames(ctx, row.title, this.regions.find(region)?.fullName ?? region)),
      },
      audit: {
        action: 'fault.created',
        entity: 'fault',
        entityId: row.id,
        changes: { ...dto, caseNo, priority, ...(origin ? { origin } : {}) },
        // The customer's home region is known here: no lookup on the intake path.
        regions: ctx ? [region, ctx.homeRegion] : [region],
      },
      resource: origin ? undefined : resourceOf(row.id),
      afterCommit: () => this.dispatcher.enqueue(row),
    });
    // Found by the insert itself (fault-duplicates.repository.ts): no extra round trip.
    row.possibleDuplicateOf = duplicates?.value ?? [];
    // Built from what was just written: no second read on the intake path.
    return toFaultDto(row, clocks.get(row.id)!, maySeeReporter(auth, row, ctx?.accountManagerId ?? null));
  }

  /**
   * Links an unlinked fault to its customer (and, optionally, its site or
   * service instance): the priority takes the customer's tier and green
   * channel, and an open fault's clocks are re-targeted keeping their elapsed
   * time. The region stays the one the fault was opened in (it was dispatched
   * there). Alerts raised before the link keep naming no customer.
   */
  async link(auth: AuthContext, id: string, dto: LinkFaultDto): Promise<FaultDto> {
    await this.change(auth, id, dto.expectedVersion, async (em, post, f) => {
      if (f.customerId) {
        throw new FaultError(FaultErrorCode.FAULT_ALREADY_LINKED, `The fault is linked to customer ${f.customerId} already`, {
          extensions: { customerId: f.customerId },
        });
      }
      const ctx = await this.customers.caseContext(em, dto.customerId, dto);
      assertCanRead(auth, ctx);
      if (ctx.archived) throw new FaultError(FaultErrorCode.FAULT_CUSTOMER_ARCHIVED, 'The customer is archived; restore it first');
      if (dto.siteId && !ctx.siteRegion) throw invalidFields({ field: 'siteId', message: 'is not a site of this customer' });
      this.locate(dto, ctx);
      const priority = casePriority(SEVERITY_BASE[f.severity], ctx.tier, ctx.greenChannel);
      const siteId = dto.siteId ?? (dto.serviceInstanceId ? ctx.instance!.siteId : null);
      await this.tickets.save(this.kind, em, f, {
        customerId: dto.customerId,
        siteId,
        serviceInstanceId: dto.serviceInstanceId ?? null,
        greenChannel: ctx.greenChannel,
        priority,
      });
      if (TICKET_OPEN_STATES.includes(f.state) && (priority !== f.priority || ctx.greenChannel || ctx.contract24x7)) {
        await this.sla.retarget(em, post, f.category, f.id, { priority, greenChannel: ctx.greenChannel, contract24x7: ctx.contract24x7 });
      }
      await this.cases.updateIndex(em, f.category, f.id, { customerId: dto.customerId, priority, greenChannel: ctx.greenChannel });
      const changes = {
        customerId: { from: null, to: dto.customerId },
        ...(siteId ? { siteId: { from: null, to: siteId } } : {}),
        ...(dto.serviceInstanceId ? { serviceInstanceId: { from: null, to: dto.serviceInstanceId } } : {}),
        priority: { from: `P${f.priority}`, to: `P${priority}` },
      };
      await this.cases.record(em, f.category, f.id, 'linked', auth, changes);
      return { action: 'fault.linked', changes };
    });
    return this.view(auth, id, false);
  }

  /**
   * The start of an unlinked fault's intake (no customer: network
   * monitoring): its region must be given, known and in the caller's scope;
   * the priority is the severity's base (NO_CUSTOMER_TERMS), so its clocks
   * run on the kind's own policy on that policy's calendars.
   */
  private async admitUnlinked(em: EntityManager, auth: AuthContext, dto: FaultIntake) {
    if (dto.siteId || dto.serviceInstanceId) {
      throw invalidFields({ field: dto.siteId ? 'siteId' : 'serviceInstanceId', message: 'needs the customer it belongs to' });
    }
    if (!dto.region) throw invalidFields({ field: 'region', message: 'is required for a fault without a customer' });
    this.regions.assertKnown('region', dto.region);
    if (!covers(auth, dto.region)) throw invalidFields({ field: 'region', message: 'is outside your region scope' });
    const now = new Date();
    const priority = casePriority(SEVERITY_BASE[dto.severity], NO_CUSTOMER_TERMS.tier, NO_CUSTOMER_TERMS.greenChannel);
    return { ctx: null, region: dto.region, now, priority, caseNo: await nextCaseNo(em, dto.category, now) };
  }

  /** By id or case number (FLT-… or CMP-…). */
  get(auth: AuthContext, ref: string): Promise<FaultDto> {
    return this.cases.read(ref, ['fault', 'complaint'], faultNotFound, (id) => this.view(auth, id, true));
  }

  async list(auth: AuthContext, q: FaultQuery): Promise<Page<FaultDto>> {
    const [rows, total] = await faultPage(this.dataSource.manager, auth, q);
    return { items: await this.listView(rows), total, limit: q.limit, offset: q.offset };
  }

  /**
   * These faults as a list shows them (numbers masked), in the order given,
   * leaving out any the caller may not see (by the list's rule): for a facade
   * that chose the page itself (the TMF621 list, src/tmf/trouble-ticket).
   */
  async listed(auth: AuthContext, ids: string[]): Promise<FaultDto[]> {
    const rows = await faultsByIds(this.dataSource.manager, auth, ids);
    const byId = new Map(rows.map((r) => [r.id, r]));
    return this.listView(ids.map((id) => byId.get(id)).filter((r): r is Fault => !!r));
  }

  /**
   * A fault as a list shows it (numbers masked), read for no caller in the
   * caller's transaction: what an event subscriber is sent (the TMF621 hub,
   * src/tmf/trouble-ticket). Undefined when there is no such fault.
   */
  async forEvent(em: EntityManager, id: string): Promise<FaultDto | undefined> {
    const f = await em.findOneBy(Fault, { id });
    return f ? toFaultDto(f, await this.sla.forCase(f.category, f.id), false) : undefined;
  }

  private async listView(rows: Fault[]): Promise<FaultDto[]> {
    const clocks = new Map<string, Awaited<ReturnType<SlaClocksService['forCase']>>>();
    for (const kind of ['fault', 'complaint']) {
      const ids = rows.filter((r) => r.category === kind).map((r) => r.id);
      for (const [id, c] of await this.sla.forCases(kind, ids)) clocks.set(id, c);
    }
    // Lists never show full numbers: opening one case is what reveals (and audits) it.
    const people = await this.tickets.peopleOfPage(rows);
    return rows.map((f) => ({ ...toFaultDto(f, clocks.get(f.id)!, false), ...people(f) }));
  }

  async transition(auth: AuthContext, id: string, dto: TransitionDto): Promise<FaultDto> {
    await this.tickets.transition(this.kind, auth, id, dto);
    return this.view(auth, id, false);
  }

  /** Manual assignment by a dispatcher; the dispatch queue does the same automatically. */
  async assign(auth: AuthContext, id: string, engineerId: string): Promise<FaultDto> {
    await this.tickets.assign(this.kind, auth, id, engineerId);
    return this.view(auth, id, false);
  }

  /** Shared by manual assignment and the dispatcher: row, index, timeline and event together. */
  applyAssignment(em: EntityManager, post: PostCommit, fault: Fault, engineerId: string, actor: AuthContext | null): Promise<void> {
    return this.tickets.applyAssignment(this.kind, em, post, fault, engineerId, actor);
  }

  /** `author`: a name the client gives (a TMF621 note's author); the timeline names the caller anyway. */
  async addNote(auth: AuthContext, id: string, text: string, author?: string): Promise<FaultDto> {
    await this.tickets.addNote(this.kind, auth, id, text, author);
    return this.view(auth, id, false);
  }

  async feedback(auth: AuthContext, id: string, score: number, comment?: string): Promise<FaultDto> {
    await this.tickets.feedback(this.kind, auth, id, score, comment);
    return this.view(auth, id, false);
  }

  /** Severity or green-channel change: new priority, clocks re-targeted keeping the elapsed time. */
  async update(auth: AuthContext, id: string, dto: UpdateFaultDto): Promise<FaultDto> {
    await this.tickets.reprioritise(this.kind, auth, id, dto.expectedVersion, dto.greenChannel, (f) => {
      const severity = dto.severity ?? f.severity;
      return { fields: { severity }, base: SEVERITY_BASE[severity], changed: { severity: { from: f.severity, to: severity } } };
    });
    return this.view(auth, id, false);
  }

  // ---- internals ----

  private async view(auth: AuthContext, id: string, auditRead: boolean): Promise<FaultDto> {
    const { row: fault, accountManagerId: am } = await this.tickets.load(this.kind, auth, id);
    const clocks = await this.sla.forCase(fault.category, fault.id);
    const unmasked = maySeeReporter(auth, fault, am);
    if (unmasked && auditRead) {
      await this.audit.recordStandalone(auth, {
        action: 'fault.reporter_unmasked',
        entity: 'fault',
        entityId: id,
        regions: [fault.region],
        customerId: fault.customerId,
      });
    }
    return { ...toFaultDto(fault, clocks, unmasked), ...(await this.tickets.people(fault.assigneeId, am)) };
  }

  /** The fault's region (its site already checked): its site's, else its service instance's site's, else the customer's home. */
  private locate(dto: Pick<CreateFaultDto, 'siteId' | 'serviceInstanceId'>, ctx: CaseContext): string {
    if (dto.serviceInstanceId) {
      if (!ctx.instance) throw invalidFields({ field: 'serviceInstanceId', message: 'is not a service instance of this customer' });
      if (dto.siteId && ctx.instance.siteId !== dto.siteId)
        throw invalidFields({ field: 'siteId', message: 'is not the site of the given service instance' });
    }
    return ctx.siteRegion ?? ctx.instance?.region ?? ctx.homeRegion;
  }
}
