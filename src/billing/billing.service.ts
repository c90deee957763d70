import { Injectable } from '@nestjs/common';
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

  /** True when the customer has a bill unpaid more than 90 days past its due date: refuse new orders. */
  isBlockedForArrears(customerId: string, asOf?: string): Promise<boolean> {
    return this.arrears.isBlocked(customerId, asOf);
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
