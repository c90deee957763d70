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
import { CustomerQuery } from '../customers/dto/customer.dto';
import { RegionsService } from '../regions/regions.service';
import { UrgentCaseRow, lookupDetails, openAlertsOfCustomer, recentClosedCasesOfCustomer, urgentCases } from './console.repository';
import {
  CustomerOverviewDto,
  LookupItemDto,
  LookupQuery,
  LookupResultDto,
  OpenCaseDto,
  QueueItemDto,
  QueuePageDto,
  QueueQuery,
} from './dto/console.dto';

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
  ) {}

  /**
   * One box for every key: the customer search of GET /customers (same
   * region scope, same index lookups), then the contacts (always masked:
   * this is the hotline screen; the primary contact first, then by role as
   * CONTACT_ROLES lists them) and which key matched, in one more query.
   */
  async lookup(auth: AuthContext, q: LookupQuery): Promise<LookupResultDto> {
    const query: CustomerQuery = Object.assign(new CustomerQuery(), { q: q.q, limit: q.limit, offset: 0 });
    const page = await this.customers.list(auth, query);
    if (!page.items.length) return { items: [], total: page.total };
    const details = await lookupDetails(
      this.dataSource,
      page.items.map((c) => c.id),
      q.q,
      CONTACT_ROLES,
    );
    const byId = new Map(details.map((d) => [d.id, d]));
    return {
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
          contacts: (d?.contacts ?? []).map((k) => ({ name: k.name, mobile: maskMobile(k.mobile), role: k.role })),
          matchedBy: d?.matchedBy ?? 'name',
        };
      }),
    };
  }

  async queue(auth: AuthContext, q: QueueQuery): Promise<QueuePageDto> {
    const { rows, total } = await urgentCases(this.dataSource, {
      scope: scopePatterns(auth),
      regionPrefix: q.region ? regionPrefix(q.region) : undefined,
      kind: q.kind,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: rows.map(toQueueItem), total, limit: q.limit, offset: q.offset };
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

    const [open, alerts, closed, account] = await Promise.all([
      urgentCases(this.dataSource, { scope, customerId: id, limit: OVERVIEW_LIST_MAX, offset: 0, allClocks: true }),
      openAlertsOfCustomer(this.dataSource, id, scope, OVERVIEW_LIST_MAX),
      recentClosedCasesOfCustomer(this.dataSource, id, scope, RECENT_CLOSED),
      // a hotline agent gets the balance summary only; billing staff, directors and admins also the open bills
      this.billing.accountSummary(auth, id),
    ]);

    return {
      customer,
      openCases: open.rows.map(toOpenCase),
      openCasesTotal: open.total,
      openAlerts: alerts.rows,
      openAlertsTotal: alerts.total,
      recentClosedCases: closed.map((c) => ({ ...c, priority: priorityLabel(c.priority) })),
      account,
    };
  }
}

/** What every listed case shows, whatever the screen. */
const caseHead = (r: UrgentCaseRow) => ({
  kind: r.kind,
  id: r.id,
  caseNo: r.caseNo,
  title: r.title,
  state: r.state,
  priority: priorityLabel(r.priority),
  greenChannel: r.greenChannel,
  region: r.region,
  assigneeId: r.assigneeId,
  openedAt: r.openedAt,
});

const toQueueItem = (r: UrgentCaseRow): QueueItemDto => ({
  ...caseHead(r),
  customerId: r.customerId,
  customerName: r.customerName,
  breached: r.breached,
  nextDueAt: r.nextDueAt,
  nextDueClock: r.nextDueClock,
});

const toOpenCase = (r: UrgentCaseRow): OpenCaseDto => ({
  ...caseHead(r),
  sla: { responseDueAt: r.responseDueAt, resolutionDueAt: r.resolutionDueAt, breached: r.breached },
});
