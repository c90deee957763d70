import { StaffService } from '../staff/staff.service';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { CaseIntake } from '../cases/case-intake';
import { CasesService } from '../cases/cases.service';
import { nextCaseNo } from '../cases/case-number';
import { ORDER_INTAKE } from '../cases/order-intake';
import type { OrderIntake } from '../cases/order-intake';
import { casePriority } from '../cases/priority';
import { guardedUpdate } from '../common/guarded-update';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { assertCanRead } from '../customers/customer-access.port';
import { CustomersService } from '../customers/customers.service';
import type { CustomerNames } from '../customers/customers.service';
import { intakeNames } from '../cases/case-names';
import { OutboxService } from '../outbox/outbox.service';
import { RegionsService } from '../regions/regions.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { SupportService } from '../support/support.service';
import { AnswerInquiryDto, CloseInquiryDto, ConvertInquiryDto, CreateInquiryDto, InquiryDto, InquiryQuery } from './dto/inquiry.dto';
import { INQUIRY_ACTIONS, INQUIRY_CLOCK_EFFECTS, InquiryAction, allowedInquiryActions } from './inquiry-lifecycle';
import { inquiryAnsweredEvent, inquiryClosedEvent, inquiryEventData, inquiryTitle } from './inquiry-events';
import { maySeeCaller, toInquiryDto } from './inquiry-view';
import { Inquiry } from './inquiry.entity';
import { InquiryError, InquiryErrorCode, inquiryNotFound } from './inquiries.errors';
import { insertInquiryIn, inquiryPage } from './inquiries.repository';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

/** Who owns an inquiry's customer, for access; null fields for a caller who is not a customer. */
interface Owner {
  homeRegion: string | null;
  accountManagerId: string | null;
}
const NO_OWNER: Owner = { homeRegion: null, accountManagerId: null };

/**
 * Business inquiries (一点业务咨询). An inquiry is a case with clocks of the
 * `inquiry` policies; it may come from a caller who is not yet a customer.
 * Its region decides who sees it: the customer's home region by default, or
 * the region given (for a non-customer, the caller's own single region when
 * none is given). Priority: P3, P2 when urgent, then the customer's tier and
 * green channel as for every case (docs/ARCHITECTURE.md, "Priority"); a
 * non-customer has neither, so the base stands.
 */
@Injectable()
export class InquiriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly regions: RegionsService,
    private readonly cases: CasesService,
    private readonly intake: CaseIntake,
    private readonly sla: SlaClocksService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly support: SupportService,
    @Inject(ORDER_INTAKE) private readonly orders: OrderIntake,
    private readonly staff: StaffService,
  ) {}

  /** POST /inquiries: the intake as one statement (CaseIntake); the customer read before it takes no lock. */
  async create(auth: AuthContext, dto: CreateInquiryDto): Promise<InquiryDto> {
    if (dto.region) this.regions.assertKnown('region', dto.region);
    const post = new PostCommit();
    const em = this.dataSource.manager;
    let owner = NO_OWNER;
    let customerNames: CustomerNames | null = null;
    let tier: 'strategic' | 'key' | 'standard' = 'key'; // no adjustment for a caller who is not a customer
    let green = false;
    let contract24x7 = false;
    let region = dto.region;
    if (dto.customerId) {
      const ctx = await this.customers.caseContext(em, dto.customerId);
      assertCanRead(auth, ctx);
      if (ctx.archived) throw new InquiryError(InquiryErrorCode.INQUIRY_CUSTOMER_ARCHIVED, 'The customer is archived; restore it first');
      owner = { homeRegion: ctx.homeRegion, accountManagerId: ctx.accountManagerId };
      customerNames = ctx;
      tier = ctx.tier;
      green = ctx.greenChannel;
      contract24x7 = ctx.contract24x7;
      region ??= ctx.homeRegion;
      if (!this.mayAccess(auth, region, owner)) throw inquiryNotFound(dto.customerId);
    } else {
      region ??= this.ownRegion(auth);
      if (!covers(auth, region)) {
        throw new InquiryError(InquiryErrorCode.INQUIRY_REGION_OUT_OF_SCOPE, `Region ${region} is outside your region scope`);
      }
    }
    const now = new Date();
    const priority = casePriority(dto.urgent ? 2 : 3, tier, green);
    const caseNo = await nextCaseNo(em, 'inquiry', now);
    const row: Inquiry = {
      id: randomUUID(),
      caseNo,
      customerId: dto.customerId ?? null,
      callerName: dto.callerName,
      callerMobile: dto.callerMobile,
      channel: dto.channel,
      topic: dto.topic,
      question: dto.question,
      region,
      urgent: dto.urgent ?? false,
      state: 'open',
      priority,
      greenChannel: green,
      answer: null,
      answeredBy: null,
      answeredAt: null,
      convertedToKind: null,
      convertedToId: null,
      closedAt: null,
      createdBy: auth.staffId,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const clocks = await this.intake.open(em, post, auth, {
      rows: (batch) => insertInquiryIn(batch, row),
      cases: [
        {
          kind: 'inquiry',
          id: row.id,
          caseNo,
          customerId: row.customerId,
          region,
          title: inquiryTitle(row),
          state: 'open',
          priority,
          greenChannel: green,
          contract24x7,
          openedAt: now,
          created: { state: 'open', priority: `P${priority}`, channel: row.channel, topic: row.topic },
        },
      ],
      // The names come with the customer read above and the regions in memory: no round trip more.
      event: {
        type: 'inquiry.created',
        data: inquiryEventData(row, intakeNames(customerNames, inquiryTitle(row), this.regions.find(region)?.fullName ?? region)),
      },
      audit: {
        action: 'inquiry.created',
        entity: 'inquiry',
        entityId: row.id,
        changes: { ...dto, region, caseNo, priority },
        regions: [region],
        customerId: row.customerId,
      },
      resource: apiPath('inquiries', row.id),
    });
    await post.run();
    return toInquiryDto(row, clocks.get(row.id)!, maySeeCaller(auth, row, owner.accountManagerId));
  }

  /** By id or case number (INQ-…). */
  get(auth: AuthContext, ref: string): Promise<InquiryDto> {
    return this.cases.read(ref, ['inquiry'], inquiryNotFound, (id) => this.view(auth, id, true));
  }

  async list(auth: AuthContext, q: InquiryQuery): Promise<Page<InquiryDto>> {
    const [rows, total] = await inquiryPage(this.dataSource.manager, auth, q);
    const clocks = await this.sla.forCases(
      'inquiry',
      rows.map((r) => r.id),
    );
    // Lists never show full numbers: opening one inquiry is what reveals (and audits) it.
    return { items: rows.map((r) => toInquiryDto(r, clocks.get(r.id)!, false)), total, limit: q.limit, offset: q.offset };
  }

  async answer(auth: AuthContext, id: string, dto: AnswerInquiryDto): Promise<InquiryDto> {
    await this.act(auth, id, 'answer', dto.expectedVersion, async (em, post, row, now) => {
      const changes = { state: 'answered' as const, answer: dto.answer, answeredBy: auth.staffId, answeredAt: now };
      await this.moved(em, post, row, changes, 'answer', auth, { answer: dto.answer }, now);
      const names = await this.cases.namesOf(em, 'inquiry', row.id);
      await this.outbox.emit(em, post, 'inquiry.answered', inquiryAnsweredEvent({ ...row, ...changes }, auth.staffId, now, names));
      return { action: 'inquiry.answered', changes: { state: { from: row.state, to: 'answered' }, answerLength: dto.answer.length } };
    });
    return this.view(auth, id, false);
  }

  async close(auth: AuthContext, id: string, dto: CloseInquiryDto): Promise<InquiryDto> {
    await this.act(auth, id, 'close', dto.expectedVersion, async (em, post, row, now) => {
      const changes = { state: 'closed' as const, closedAt: now };
      await this.moved(em, post, row, changes, 'close', auth, { note: dto.note }, now);
      const names = await this.cases.namesOf(em, 'inquiry', row.id);
      await this.outbox.emit(em, post, 'inquiry.closed', inquiryClosedEvent({ ...row, ...changes }, null, names));
      return { action: 'inquiry.closed', changes: { state: { from: row.state, to: 'closed' } } };
    });
    return this.view(auth, id, false);
  }

  /**
   * Hands the inquiry over: opens the support request (or the order, through
   * the OrderIntake port) in the same transaction, links both ways, and closes
   * the inquiry. An inquiry with no customer needs `customerId` here.
   */
  async convert(auth: AuthContext, id: string, dto: ConvertInquiryDto): Promise<InquiryDto> {
    if (dto.to === 'order') {
      const stray = (['category', 'description', 'siteId', 'preferredAt'] as const).find((f) => dto[f] !== undefined);
      if (stray) throw invalidFields({ field: stray, message: 'applies only when converting to support' });
    } else if (dto.order !== undefined) {
      throw invalidFields({ field: 'order', message: 'applies only when converting to order' });
    }
    await this.act(auth, id, 'convert', dto.expectedVersion, async (em, post, row, now) => {
      if (dto.customerId && row.customerId && dto.customerId !== row.customerId) {
        throw invalidFields({ field: 'customerId', message: 'must be the inquiry’s own customer (or be left out)' });
      }
      const customerId = row.customerId ?? dto.customerId;
      if (!customerId) {
        throw new InquiryError(
          InquiryErrorCode.INQUIRY_NO_CUSTOMER,
          'The caller is not a customer yet: create the customer, then convert giving its customerId',
        );
      }
      const created =
        dto.to === 'support'
          ? await this.support.open(
              em,
              post,
              auth,
              customerId,
              {
                category: dto.category!,
                description: dto.description ?? row.question,
                siteId: dto.siteId,
                preferredAt: dto.preferredAt,
                contactName: row.callerName,
                contactMobile: row.callerMobile,
              },
              row.id,
            )
          : await this.orders.openFromInquiry(em, post, auth, { customerId, inquiryId: row.id, body: dto.order ?? {} });
      const changes = { state: 'closed' as const, closedAt: now, convertedToKind: dto.to, convertedToId: created.id, customerId };
      await this.moved(em, post, row, changes, 'convert', auth, { to: dto.to, caseId: created.id, caseNo: created.caseNo }, now);
      if (!row.customerId) await this.cases.updateIndex(em, 'inquiry', row.id, { customerId });
      const convertedTo = { kind: dto.to, id: created.id, caseNo: created.caseNo };
      // Read after the index took the customer a caller may just have become.
      const names = await this.cases.namesOf(em, 'inquiry', row.id);
      await this.outbox.emit(em, post, 'inquiry.closed', inquiryClosedEvent({ ...row, ...changes }, convertedTo, names));
      await recordOutcome(em, { resource: apiPath('inquiries', row.id) });
      return { action: 'inquiry.converted', changes: { state: { from: row.state, to: 'closed' }, convertedTo, customerId } };
    });
    return this.view(auth, id, false);
  }

  timeline(auth: AuthContext, id: string) {
    return this.load(auth, id).then(({ row }) => this.cases.timeline('inquiry', row.id));
  }

  // ---- internals ----

  /**
   * One action on an inquiry: row lock, access, version, the lifecycle
   * check, the work and its audit row in one transaction, then the
   * post-commit work.
   */
  private async act(
    auth: AuthContext,
    id: string,
    action: InquiryAction,
    expectedVersion: number | undefined,
    work: (em: EntityManager, post: PostCommit, row: Inquiry, now: Date) => Promise<{ action: string; changes: Record<string, unknown> }>,
  ): Promise<void> {
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const row = await em.findOne(Inquiry, { where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!row) throw inquiryNotFound(id);
      await this.assertCanSee(auth, row, em);
      if (expectedVersion !== undefined && expectedVersion !== row.version) throw staleVersion('inquiry', expectedVersion, row.version);
      if (!INQUIRY_ACTIONS[row.state][action]) {
        const allowed = allowedInquiryActions(row.state);
        throw new InquiryError(
          InquiryErrorCode.INQUIRY_ILLEGAL_ACTION,
          `An inquiry in ${row.state} cannot be ${action === 'answer' ? 'answered' : action === 'close' ? 'closed' : 'converted'}; allowed: ${allowed.join(', ') || 'none'}`,
          { extensions: { state: row.state, allowedActions: allowed } },
        );
      }
      const done = await work(em, post, row, new Date());
      await this.audit.record(em, auth, {
        action: done.action,
        entity: 'inquiry',
        entityId: id,
        changes: done.changes,
        regions: [row.region],
        customerId: row.customerId,
      });
    });
    await post.run();
  }

  /** A state change's row, clocks, index and timeline (the caller emits the event). */
  private async moved(
    em: EntityManager,
    post: PostCommit,
    row: Inquiry,
    changes: Partial<Inquiry> & Pick<Inquiry, 'state'>,
    action: InquiryAction,
    auth: AuthContext,
    detail: Record<string, unknown>,
    now: Date,
  ): Promise<void> {
    await guardedUpdate(em, Inquiry, { id: row.id }, row.version, { ...changes, updatedAt: now }, 'inquiry');
    await this.sla.apply(em, post, 'inquiry', row.id, INQUIRY_CLOCK_EFFECTS[action], now);
    const closed = changes.state === 'closed';
    await this.cases.updateIndex(em, 'inquiry', row.id, { state: changes.state, isOpen: !closed, closedAt: closed ? now : null });
    await this.cases.record(em, 'inquiry', row.id, action === 'convert' ? 'converted' : 'state_changed', auth, {
      from: row.state,
      to: changes.state,
      ...detail,
    });
  }

  private async load(auth: AuthContext, id: string, em: EntityManager = this.dataSource.manager): Promise<{ row: Inquiry; owner: Owner }> {
    const row = await em.findOneBy(Inquiry, { id });
    if (!row) throw inquiryNotFound(id);
    const owner = await this.assertCanSee(auth, row, em);
    return { row, owner };
  }

  private async view(auth: AuthContext, id: string, auditRead: boolean): Promise<InquiryDto> {
    const { row, owner } = await this.load(auth, id);
    const clocks = await this.sla.forCase('inquiry', row.id);
    const unmasked = maySeeCaller(auth, row, owner.accountManagerId);
    if (unmasked && auditRead) {
      await this.audit.recordStandalone(auth, {
        action: 'inquiry.caller_unmasked',
        entity: 'inquiry',
        entityId: id,
        regions: [row.region],
        customerId: row.customerId,
      });
    }
    const convertedCaseNo =
      row.convertedToKind && row.convertedToId ? await this.cases.caseNumberOf(row.convertedToKind, row.convertedToId) : null;
    const [accountManager] = await this.staff.refs([owner.accountManagerId]);
    return { ...toInquiryDto(row, clocks, unmasked, convertedCaseNo), accountManager };
  }

  /**
   * As for faults: the inquiry's region, or its customer's home region, or
   * the customer's account manager; to anyone else it does not exist.
   */
  private async assertCanSee(auth: AuthContext, row: Pick<Inquiry, 'id' | 'region' | 'customerId'>, em: EntityManager): Promise<Owner> {
    const owner = row.customerId ? await this.customers.ownership(em, row.customerId) : NO_OWNER;
    if (!this.mayAccess(auth, row.region, owner)) throw inquiryNotFound(row.id);
    return owner;
  }

  private mayAccess(auth: AuthContext, region: string, owner: Owner): boolean {
    return (
      covers(auth, region) ||
      (owner.homeRegion !== null && covers(auth, owner.homeRegion)) ||
      (owner.accountManagerId !== null && owner.accountManagerId === auth.staffId)
    );
  }

  /** A caller who is not a customer belongs to the agent's region when the agent has exactly one. */
  private ownRegion(auth: AuthContext): string {
    const single = auth.scopes.length === 1 && auth.scopes[0] !== '' ? auth.scopes[0].padEnd(6, '0') : null;
    if (!single || !this.regions.find(single)) {
      throw invalidFields({
        field: 'region',
        message: 'is required for a caller who is not a customer (your scope spans more than one region)',
      });
    }
    return single;
  }
}
