import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { accountFigures, customerExists, customerRegions } from './accounts.repository';
import { BillRow, billById, billsOfCustomer } from './bills.repository';
import { mayReadBillingOf } from './billing-access';
import { BillingError, BillingErrorCode, billingCustomerNotFound } from './billing.errors';
import { AccountView, BillView } from './dto/billing-views.dto';
import { chinaToday } from '../common/time/china-days';
import { fen } from './money';

/**
 * What a customer owes, read from the ledger itself (never from a cached
 * balance): every figure is a PostgreSQL sum over bigint columns, converted
 * with a check that it is exact.
 */
@Injectable()
export class AccountsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
  ) {}

  async account(customerId: string, asOf = chinaToday()): Promise<AccountView> {
    const figures = await accountFigures(this.dataSource.manager, customerId, asOf);
    if (!figures) throw billingCustomerNotFound(customerId);
    return {
      customerId,
      currency: 'CNY',
      balanceFen: fen(figures.charges - figures.payments),
      creditFen: fen(figures.credit),
      outstandingFen: fen(figures.outstanding),
      unbilledFen: fen(figures.unbilled),
      overdueFen: fen(figures.overdue),
      oldestOverdueDate: figures.oldestOverdueDate,
      asOf,
    };
  }

  /** The account as `GET /customers/:id/account` shows it: only to a caller who may read this customer's billing data. */
  async accountFor(auth: AuthContext, customerId: string, asOf?: string): Promise<AccountView> {
    await this.assertMayRead(auth, customerId, () => billingCustomerNotFound(customerId));
    return this.account(customerId, asOf);
  }

  /** The bills as `GET /customers/:id/bills` lists them, under the same rule. */
  async customerBillsFor(auth: AuthContext, customerId: string, limit: number, offset: number): Promise<Page<BillView>> {
    await this.assertMayRead(auth, customerId, () => billingCustomerNotFound(customerId));
    return this.customerBills(customerId, limit, offset);
  }

  async bill(auth: AuthContext, id: string): Promise<BillView> {
    const notFound = () => new BillingError(BillingErrorCode.BILL_NOT_FOUND, `No bill ${id}`);
    const row = await billById(this.dataSource.manager, id);
    if (!row) throw notFound();
    await this.assertMayRead(auth, row.customerId, notFound);
    return this.toView(row);
  }

  /** mayReadBillingOf, with the customer's regions read only for callers who are not billing staff. */
  private async assertMayRead(auth: AuthContext, customerId: string, notFound: () => Error): Promise<void> {
    if (hasRole(auth, 'billing')) return;
    const customer = await customerRegions(this.dataSource.manager, customerId);
    if (!customer || !mayReadBillingOf(auth, customer)) throw notFound();
  }

  async customerBills(customerId: string, limit: number, offset: number, openOnly = false): Promise<Page<BillView>> {
    if (!(await customerExists(this.dataSource.manager, customerId))) throw billingCustomerNotFound(customerId);
    const { bills, total } = await billsOfCustomer(this.dataSource.manager, customerId, { limit, offset, openOnly });
    return { items: bills.map((b) => this.toView(b)), total, limit, offset };
  }

  private toView(r: BillRow): BillView {
    const { total, paid } = r;
    return {
      id: r.id,
      billNo: r.billNo,
      customerId: r.customerId,
      period: r.period,
      state: r.state,
      overdue: r.state !== 'paid' && r.dueDate < chinaToday(),
      totalFen: fen(total),
      paidFen: fen(paid),
      outstandingFen: fen(total - paid),
      issueDate: r.issueDate,
      dueDate: r.dueDate,
      dueDateAdjusted: r.dueDateAdjusted,
      billRunId: r.billRunId,
      lines: r.lines.map((l) => ({
        id: l.id,
        servingRegion: l.servingRegion,
        servingRegionName: this.regions.find(l.servingRegion)?.fullName ?? l.servingRegion,
        amountFen: fen(l.amount),
        dueFen: fen(l.due),
        paidFen: fen(l.paid),
        chargeCount: l.chargeCount,
      })),
    };
  }
}
