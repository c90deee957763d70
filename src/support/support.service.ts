import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { CaseIntake } from '../cases/case-intake';
import { CasesService } from '../cases/cases.service';
import { SEVERITY_BASE } from '../cases/priority';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { CustomersService } from '../customers/customers.service';
import { SlaClocksService } from '../sla/sla-clocks.service';
import { TransitionDto } from '../tickets/dto/ticket.dto';
import { NEW_TICKET, TicketFailure, TicketKind } from '../tickets/ticket-kind.port';
import { TicketDesk } from '../tickets/ticket-desk.port';
import { TicketWorkflow } from '../tickets/ticket-workflow.service';
import {
  CreateSupportRequestDto,
  SupportRequestDto,
  SupportRequestFields,
  SupportRequestQuery,
  UpdateSupportRequestDto,
} from './dto/support-request.dto';
import { CATEGORY_SEVERITY } from './support-category.port';
import { SupportDispatcher } from './support-dispatcher';
import { supportCreatedEvent, supportEventData, supportTitle } from './support-events';
import { SupportRequest } from './support-request.entity';
import { maySeeContact, toSupportRequestDto } from './support-view';
import { SupportError, SupportErrorCode, supportNotFound } from './support.errors';
import { insertSupportRequestIn, supportRequestPage } from './support.repository';
import { apiPath } from '../common/http/api-path';
import { intakeNames } from '../cases/case-names';
import { RegionsService } from '../regions/regions.service';

const FAILURES: Record<TicketFailure, SupportErrorCode> = {
  NOT_FOUND: SupportErrorCode.SUPPORT_NOT_FOUND,
  CUSTOMER_ARCHIVED: SupportErrorCode.SUPPORT_CUSTOMER_ARCHIVED,
  ILLEGAL_TRANSITION: SupportErrorCode.SUPPORT_ILLEGAL_TRANSITION,
  CLOSED: SupportErrorCode.SUPPORT_CLOSED,
  FEEDBACK_NOT_ALLOWED: SupportErrorCode.SUPPORT_FEEDBACK_NOT_ALLOWED,
  FEEDBACK_GIVEN: SupportErrorCode.SUPPORT_FEEDBACK_GIVEN,
  GREEN_CHANNEL_NEEDS_DIRECTOR: SupportErrorCode.SUPPORT_GREEN_CHANNEL_NEEDS_DIRECTOR,
};

/** Technical support (一点技术支持): intake here; the lifecycle is the shared ticket workflow. */
@Injectable()
export class SupportService extends TicketDesk<SupportRequest> {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    customers: CustomersService,
    private readonly intake: CaseIntake,
    private readonly cases: CasesService,
    private readonly sla: SlaClocksService,
    private readonly audit: AuditService,
    tickets: TicketWorkflow,
    private readonly dispatcher: SupportDispatcher,
    private readonly regions: RegionsService,
  ) {
    super(tickets, customers, supportNotFound);
  }

  readonly kind: TicketKind<SupportRequest> = {
    entity: SupportRequest,
    table: 'support_requests',
    path: 'support-requests',
    noun: 'support request',
    auditEntity: 'support_request',
    actionPrefix: 'support',
    caseKind: () => 'support',
    events: { stateChanged: 'support.state_changed', assigned: 'support.assigned' },
    eventData: supportEventData,
    error: (failure, detail, options) => new SupportError(FAILURES[failure], detail, options),
    assertCanSee: (auth, r, em) => this.assertCanSee(auth, r, em),
    followUp: (r) => ({
      contact: r.contactName && r.contactMobile ? { name: r.contactName, mobile: r.contactMobile } : null,
      siteId: r.siteId,
    }),
  };

  /** POST /support-requests: the intake as one statement (CaseIntake), its outcome recorded for the Idempotency-Key in it. */
  async create(auth: AuthContext, dto: CreateSupportRequestDto): Promise<SupportRequestDto> {
    const post = new PostCommit();
    const out = await this.open(this.dataSource.manager, post, auth, dto.customerId, dto, null);
    await post.run();
    return out;
  }

  /**
   * Opens a support request through the case kernel's intake (CaseIntake):
   * the row, its index entry, timeline, clocks, event and audit row in one
   * statement, and its dispatch after commit. `em` is the DataSource's manager
   * for POST /support-requests, or an inquiry's transaction when the inquiry is
   * converted (with `inquiryId`, the link back; the inquiry then records the
   * request's idempotency outcome itself).
   */
  async open(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    customerId: string,
    fields: SupportRequestFields,
    inquiryId: string | null,
  ): Promise<SupportRequestDto> {
    const severity = CATEGORY_SEVERITY[fields.category];
    const { ctx, region, now, priority, caseNo } = await this.admit(
      em,
      auth,
      customerId,
      { siteId: fields.siteId },
      {
        severity,
        caseKind: 'support',
        locate: (ctx) => ctx.siteRegion ?? ctx.homeRegion,
      },
    );
    const row: SupportRequest = {
      id: randomUUID(),
      caseNo,
      customerId,
      category: fields.category,
      severity,
      description: fields.description,
      siteId: fields.siteId ?? null,
      preferredAt: fields.preferredAt ? new Date(fields.preferredAt) : null,
      contactName: fields.contactName ?? null,
      contactMobile: fields.contactMobile ?? null,
      region,
      ...NEW_TICKET,
      priority,
      greenChannel: ctx.greenChannel,
      inquiryId,
      createdBy: auth.staffId,
      createdAt: now,
      updatedAt: now,
    };
    const clocks = await this.intake.open(em, post, auth, {
      rows: (batch) => insertSupportRequestIn(batch, row),
      cases: [
        {
          kind: 'support',
          id: row.id,
          caseNo,
          customerId,
          region,
          title: supportTitle(row),
          state: row.state,
          priority,
          greenChannel: row.greenChannel,
          contract24x7: ctx.contract24x7,
          openedAt: now,
          created: { state: row.state, priority: `P${priority}`, category: row.category, inquiryId },
        },
      ],
      // The names come with the customer read above and the regions in memory: no round trip more.
      event: {
        type: 'support.created',
        data: supportCreatedEvent(row, inquiryId, intakeNames(ctx, supportTitle(row), this.regions.find(region)?.fullName ?? region)),
      },
      audit: {
        action: 'support.created',
        entity: 'support_request',
        entityId: row.id,
        changes: { ...fields, customerId, caseNo, priority, inquiryId },
        regions: [row.region, ctx.homeRegion],
      },
      resource: inquiryId ? undefined : apiPath('support-requests', row.id),
      afterCommit: () => this.dispatcher.enqueue(row),
    });
    return toSupportRequestDto(row, clocks.get(row.id)!, maySeeContact(auth, row, ctx.accountManagerId));
  }

  /** By id or case number (SUP-…). */
  get(auth: AuthContext, ref: string): Promise<SupportRequestDto> {
    return this.cases.read(ref, ['support'], supportNotFound, (id) => this.view(auth, id, true));
  }

  async list(auth: AuthContext, q: SupportRequestQuery): Promise<Page<SupportRequestDto>> {
    const [rows, total] = await supportRequestPage(this.dataSource.manager, auth, q);
    const clocks = await this.sla.forCases(
      'support',
      rows.map((r) => r.id),
    );
    // Lists never show full numbers: opening one request is what reveals (and audits) it.
    const people = await this.tickets.peopleOfPage(rows);
    return {
      items: rows.map((r) => ({ ...toSupportRequestDto(r, clocks.get(r.id)!, false), ...people(r) })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  async transition(auth: AuthContext, id: string, dto: TransitionDto): Promise<SupportRequestDto> {
    await this.tickets.transition(this.kind, auth, id, dto);
    return this.view(auth, id, false);
  }

  /** A new category (and so severity) or a director's green-channel grant: new priority, clocks re-targeted. */
  async update(auth: AuthContext, id: string, dto: UpdateSupportRequestDto): Promise<SupportRequestDto> {
    await this.tickets.reprioritise(this.kind, auth, id, dto.expectedVersion, dto.greenChannel, (r) => {
      const category = dto.category ?? r.category;
      const severity = CATEGORY_SEVERITY[category];
      return {
        fields: { category, severity },
        base: SEVERITY_BASE[severity],
        changed: { category: { from: r.category, to: category }, severity: { from: r.severity, to: severity } },
      };
    });
    return this.view(auth, id, false);
  }

  async assign(auth: AuthContext, id: string, engineerId: string): Promise<SupportRequestDto> {
    await this.tickets.assign(this.kind, auth, id, engineerId);
    return this.view(auth, id, false);
  }

  async addNote(auth: AuthContext, id: string, text: string): Promise<SupportRequestDto> {
    await this.tickets.addNote(this.kind, auth, id, text);
    return this.view(auth, id, false);
  }

  async feedback(auth: AuthContext, id: string, score: number, comment?: string): Promise<SupportRequestDto> {
    await this.tickets.feedback(this.kind, auth, id, score, comment);
    return this.view(auth, id, false);
  }

  private async view(auth: AuthContext, id: string, auditRead: boolean): Promise<SupportRequestDto> {
    const { row, accountManagerId } = await this.tickets.load(this.kind, auth, id);
    const clocks = await this.sla.forCase('support', row.id);
    const unmasked = maySeeContact(auth, row, accountManagerId) && row.contactMobile !== null;
    if (unmasked && auditRead) {
      await this.audit.recordStandalone(auth, {
        action: 'support.contact_unmasked',
        entity: 'support_request',
        entityId: id,
        regions: [row.region],
        customerId: row.customerId,
      });
    }
    return { ...toSupportRequestDto(row, clocks, unmasked), ...(await this.tickets.people(row.assigneeId, accountManagerId)) };
  }

  /** The line the console and the case index show. */
}
