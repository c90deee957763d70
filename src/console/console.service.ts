import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BillingService } from '../billing/billing.service';
import { priorityLabel } from '../cases/priority';
import type { AuthContext } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { maskMobile } from '../common/masking';
import { CONTACT_ROLES } from '../customers/customer-record.port';
import { CustomersService } from '../customers/customers.service';
import { CustomerWarningsService } from '../customer-warnings/customer-warnings.service';
import { CustomerQuery } from '../customers/dto/customer.dto';
import { RegionsService } from '../regions/regions.service';
import { staffRef } from '../staff/dto/staff-ref.dto';
import type { StaffCardDto } from '../staff/dto/staff.dto';
import { StaffService } from '../staff/staff.service';
import { escapeLike } from '../common/escape-like';
import { lookupTerm } from '../common/lookup-term';
import type { LookupTerm } from '../common/lookup-term';
import {
  CaseByNumberRow,
  MatchKeys,
  UrgentCaseRow,
  lookupDetails,
  openAlertsOfCustomer,
  recentClosedCasesOfCustomer,
  urgentCases,
  visibleCaseByNumber,
} from './console.repository';
import {
  CustomerOverviewDto,
  LookupCaseDto,
  LookupItemDto,
  LookupQuery,
  LookupResultDto,
  OpenCaseDto,
  QueueItemDto,
  QueuePageDto,
  QueueQuery,
} from './dto/console.dto';
import type { MatchKey } from './dto/console.dto';

/** How many open cases and open alerts the overview lists (the totals say how many there are). */
const OVERVIEW_LIST_MAX = 100;
const RECENT_CLOSED = 10;

/** A region filter as a prefix: 440000 → 44, 440600 → 4406 (as GET /customers and /alerts read it). */
const regionPrefix = (region: string) => region.replace(/(00){1,2}$/, '');

/**
 * The hotline console: reads across customers, cases, SLA clocks and alerts,
 * and writes nothing (the one write, an audit row for an unmasked contact
 * list, is CustomersService's own). Nothing imports this module.
 */
@Injectable()
export class ConsoleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly regions: RegionsService,
    private readonly billing: BillingService,
    private readonly staff: StaffService,
    private readonly warnings: CustomerWarningsService,
  ) {}

  /**
   * One box for every key: the customer search of GET /customers (same
   * region scope, same index lookups, the same reading of the term by
   * lookupTerm), then the contacts (always masked: this is the hotline
   * screen; the primary contact first, then by role as CONTACT_ROLES lists
   * them) and which key matched, in one more query. A case or work order
   * number also brings the case itself (matchedCase), when the caller may see
   * it; its customer is then the one item.
   */
  async lookup(auth: AuthContext, q: LookupQuery): Promise<LookupResultDto> {
    const term = lookupTerm(q.q);
    const isCase = term.by === 'reference' && !term.value.startsWith('BL-');
    const query: CustomerQuery = Object.assign(new CustomerQuery(), { q: q.q, limit: q.limit, offset: 0 });
    const [page, found] = await Promise.all([
      this.customers.list(auth, query),
      isCase ? visibleCaseByNumber(this.dataSource, term.value, scopePatterns(auth), auth.staffId) : Promise.resolve(undefined),
    ]);
    const details = page.items.length
      ? await lookupDetails(
          this.dataSource,
          page.items.map((c) => c.id),
          matchKeys(term),
          CONTACT_ROLES,
        )
      : [];
    const cards = await this.staff.cards([...page.items.map((c) => c.accountManagerId), found?.assigneeId].filter(isId));
    const byId = new Map(details.map((d) => [d.id, d]));
    const referenceKey: MatchKey | null = term.by === 'reference' ? (isCase ? 'case_no' : 'bill_no') : null;
    return {
      ...(isCase ? { matchedCase: found ? toLookupCase(found, cards) : null } : {}),
      total: page.total,
      items: page.items.map((c): LookupItemDto => {
        const d = byId.get(c.id);
        return {
          id: c.id,
          customerNo: c.customerNo,
          name: c.name,
          tier: c.tier,
          greenChannel: c.greenChannel,
          homeRegion: c.homeRegion,
          homeRegionName: this.regions.find(c.homeRegion)?.fullName ?? c.homeRegion,
          accountManagerId: c.accountManagerId,
          accountManager: staffRef(cards, c.accountManagerId),
          contacts: (d?.contacts ?? []).map((k) => ({ name: k.name, mobile: maskMobile(k.mobile), role: k.role })),
          matchedBy: referenceKey ?? d?.matchedBy ?? 'name',
        };
      }),
    };
  }

  async queue(auth: AuthContext, q: QueueQuery): Promise<QueuePageDto> {
    const { rows, total } = await urgentCases(this.dataSource, {
      scope: scopePatterns(auth),
      regionPrefix: q.region ? regionPrefix(q.region) : undefined,
      kind: q.kind,
      unlinked: q.unlinked,
      limit: q.limit,
      offset: q.offset,
    });
    // Names for the whole page in one query.
    const cards = await this.staff.cards(rows.flatMap((r) => [r.assigneeId, r.accountManagerId]).filter(isId));
    return { items: rows.map((r) => toQueueItem(r, cards)), total, limit: q.limit, offset: q.offset };
  }

  /**
   * The 360° view. The customer comes from CustomersService.get: the same
   * 404 for a customer outside the caller's scope, the same masking, the same
   * audit row when mobiles are shown in full. Its cases and alerts are those
   * the caller may see, by the faults' rule: all of them for whoever covers
   * the customer's home region or manages the customer, else those in a
   * region the caller covers (a site's desk sees its own site's cases).
   */
  async overview(auth: AuthContext, id: string): Promise<CustomerOverviewDto> {
    const customer = await this.customers.get(auth, id);
    const seesAll = covers(auth, customer.homeRegion) || customer.accountManagerId === auth.staffId;
    const scope = seesAll ? null : scopePatterns(auth);

    const [open, alerts, closed, account, warnings] = await Promise.all([
      urgentCases(this.dataSource, { scope, customerId: id, limit: OVERVIEW_LIST_MAX, offset: 0, allClocks: true }),
      openAlertsOfCustomer(this.dataSource, id, scope, OVERVIEW_LIST_MAX),
      recentClosedCasesOfCustomer(this.dataSource, id, scope, RECENT_CLOSED),
      // a hotline agent gets the balance summary only; billing staff, directors and admins also the open bills
      this.billing.accountSummary(auth, id),
      // abnormal-customer warnings not yet acknowledged (issue 14 point 5): whoever sees the customer sees them
      this.warnings.openOf(id, OVERVIEW_LIST_MAX),
    ]);

    // Every name on the screen (the account manager, each case's assignee) in one query.
    const cards = await this.staff.cards(
      [customer.accountManagerId, ...open.rows.map((r) => r.assigneeId), ...closed.map((c) => c.assigneeId)].filter(isId),
    );
    return {
      customer,
      accountManager: staffRef(cards, customer.accountManagerId),
      openCases: open.rows.map((r) => toOpenCase(r, cards)),
      openCasesTotal: open.total,
      openAlerts: alerts.rows,
      openAlertsTotal: alerts.total,
      recentClosedCases: closed.map((c) => ({ ...c, priority: priorityLabel(c.priority), assignee: staffRef(cards, c.assigneeId) })),
      account,
      openWarnings: warnings.items,
      openWarningsTotal: warnings.total,
    };
  }
}

type Cards = ReadonlyMap<string, StaffCardDto>;

const isId = (id: string | null | undefined): id is string => !!id;

/** The keys lookupDetails compares a customer with, from the term as lookupTerm read it. */
function matchKeys(term: LookupTerm): MatchKeys {
  const text = term.by === 'text' ? term : null;
  return {
    identifier: term.value,
    accessNo: term.value,
    nameLike: text && [...text.name].length >= 2 ? `%${escapeLike(text.name.toLowerCase())}%` : null,
  };
}

const toLookupCase = (r: CaseByNumberRow, cards: Cards): LookupCaseDto => ({
  kind: r.kind,
  id: r.id,
  caseNo: r.caseNo,
  customerId: r.customerId,
  title: r.title,
  state: r.state,
  open: r.isOpen,
  priority: priorityLabel(r.priority),
  greenChannel: r.greenChannel,
  region: r.region,
  assigneeId: r.assigneeId,
  assignee: staffRef(cards, r.assigneeId),
  openedAt: r.openedAt,
});

/** What every listed case shows, whatever the screen. */
const caseHead = (r: UrgentCaseRow, cards: Cards) => ({
  kind: r.kind,
  id: r.id,
  caseNo: r.caseNo,
  title: r.title,
  state: r.state,
  priority: priorityLabel(r.priority),
  greenChannel: r.greenChannel,
  region: r.region,
  assigneeId: r.assigneeId,
  assignee: staffRef(cards, r.assigneeId),
  openedAt: r.openedAt,
});

const toQueueItem = (r: UrgentCaseRow, cards: Cards): QueueItemDto => ({
  ...caseHead(r, cards),
  customerId: r.customerId,
  customerName: r.customerName,
  accountManager: staffRef(cards, r.accountManagerId),
  breached: r.breached,
  nextDueAt: r.nextDueAt,
  nextDueClock: r.nextDueClock,
});

const toOpenCase = (r: UrgentCaseRow, cards: Cards): OpenCaseDto => ({
  ...caseHead(r, cards),
  sla: { responseDueAt: r.responseDueAt, resolutionDueAt: r.resolutionDueAt, breached: r.breached },
});
