import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import type { ReadBatch } from '../common/read-batch';
import type { BatchPart } from '../common/write-batch';
import { AccountsService } from './accounts.service';
import { ArrearsService } from './arrears.service';
import type { ArrearsStandingView } from './arrears.service';
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

  /** Whether a customer is refused new orders for arrears, as a part of order intake's batch of reads (ArrearsService.standingIn). */
  arrearsStandingIn(batch: ReadBatch, customerId: string): BatchPart<ArrearsStandingView> {
    return this.arrears.standingIn(batch, customerId);
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
