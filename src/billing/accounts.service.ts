import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { accountFigures, customerExists, customerRegions } from './accounts.repository';
import { mayReadBillingOf } from './billing-access';
import { BillingError, BillingErrorCode, billingCustomerNotFound } from './billing.errors';
import { AccountView, BillView } from './dto/billing-views.dto';
import { chinaToday, fen } from './money';

const BILL_COLUMNS = `b.id, b.bill_no AS "billNo", b.customer_id AS "customerId", b.period, b.state, b.total_fen::text AS total, b.paid_fen::text AS paid,
  to_char(b.issue_date, 'YYYY-MM-DD') AS "issueDate", to_char(b.due_date, 'YYYY-MM-DD') AS "dueDate", b.bill_run_id AS "billRunId",
  (SELECT json_agg(json_build_object('id', l.id, 'servingRegion', l.serving_region, 'amountFen', l.amount_fen::text, 'dueFen', l.due_fen::text,
                                     'paidFen', l.paid_fen::text, 'chargeCount', l.charge_count) ORDER BY l.serving_region)
     FROM bill_lines l WHERE l.bill_id = b.id) AS lines`;

interface BillRow {
  id: string;
  billNo: string;
  customerId: string;
  period: string;
  state: BillView['state'];
  total: string;
  paid: string;
  issueDate: string;
  dueDate: string;
  billRunId: string | null;
  lines: { id: string; servingRegion: string; amountFen: string; dueFen: string; paidFen: string; chargeCount: number }[];
}

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
    const [row]: BillRow[] = await this.dataSource.query(`SELECT ${BILL_COLUMNS} FROM bills b WHERE b.id = $1`, [id]);
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
    const rows: (BillRow & { n: number })[] = await this.dataSource.query(
      `SELECT ${BILL_COLUMNS}, count(*) OVER ()::int AS n FROM bills b
        WHERE b.customer_id = $1 ${openOnly ? `AND b.state <> 'paid'` : ''}
        ORDER BY b.issue_date ${openOnly ? 'ASC' : 'DESC'}, b.issued_at ${openOnly ? 'ASC' : 'DESC'}, b.id LIMIT $2 OFFSET $3`,
      [customerId, limit, offset],
    );
    return { items: rows.map((r) => this.toView(r)), total: rows[0]?.n ?? 0, limit, offset };
  }

  private toView(r: BillRow): BillView {
    const total = BigInt(r.total);
    const paid = BigInt(r.paid);
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
      billRunId: r.billRunId,
      lines: (r.lines ?? []).map((l) => ({
        id: l.id,
        servingRegion: l.servingRegion,
        servingRegionName: this.regions.find(l.servingRegion)?.fullName ?? l.servingRegion,
        amountFen: fen(l.amountFen),
        dueFen: fen(l.dueFen),
        paidFen: fen(l.paidFen),
        chargeCount: l.chargeCount,
      })),
    };
  }
}
