import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { AccountsService } from './accounts.service';
import { ArrearsService } from './arrears.service';
import { AccountSummaryView } from './dto/billing-views.dto';

const OPEN_BILLS_SHOWN = 12;

/**
 * What other modules may ask billing (they never touch its tables): order
 * intake asks whether a customer is blocked for arrears; the console shows
 * the account in the customer overview.
 */
@Injectable()
export class BillingService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly arrears: ArrearsService,
  ) {}

  /**
   * True when the customer has a bill unpaid more than 90 days past its due
   * date: refuse new orders. Asked inside the order's transaction, so it reads
   * through that transaction's connection: a second connection per order would
   * let 20 concurrent orders hold the whole pool and wait on it forever.
   */
  isBlockedForArrears(customerId: string, asOf?: string, em?: EntityManager): Promise<boolean> {
    return this.arrears.isBlocked(customerId, asOf, em);
  }

  /**
   * The same question with the answer's figures, for the 409 an order gets:
   * whether the customer is blocked, how much is overdue and since when (the
   * due date of the oldest overdue bill). One statement, in the order's
   * transaction like isBlockedForArrears.
   */
  arrearsStanding(
    customerId: string,
    em?: EntityManager,
  ): Promise<{ blocked: boolean; overdueFen: number; oldestOverdueDate: string | null }> {
    return this.arrears.standing(customerId, em);
  }

  /**
   * The account for the console overview (the caller may already see the
   * customer). Billing staff, directors and admins also get the open bills;
   * everyone else (a hotline agent) only the balance summary.
   */
  async accountSummary(auth: AuthContext, customerId: string): Promise<AccountSummaryView> {
    const account = await this.accounts.account(customerId);
    if (!hasRole(auth, 'billing', 'director', 'admin')) return account;
    const open = await this.accounts.customerBills(customerId, OPEN_BILLS_SHOWN, 0, true);
    return { ...account, openBills: open.items };
  }
}
