import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, Auth, Authenticated, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { AccountsService } from './accounts.service';
import { BILLING_READERS } from './billing-access';
import { AsOfQuery, BillsQuery, PaymentsQuery } from './dto/billing-input.dto';
import { AccountView, BillView, PaymentSummaryView } from './dto/billing-views.dto';
import { PaymentsService } from './payments.service';

/**
 * Bills and accounts. Billing staff of every region read every customer's:
 * a customer may pay at any service point, which must see what is owed.
 * Directors read those of customers in their scope (404 otherwise).
 */
@ApiTags('billing')
@Authenticated()
@Roles(...BILLING_READERS)
@Controller()
export class BillsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly paymentsService: PaymentsService,
  ) {}

  @Get('bills/:id')
  @ApiOperation({ summary: 'One bill with its lines by serving region' })
  @ApiOkResponse({ type: BillView })
  @ApiProblems(400, 404)
  bill(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.accounts.bill(auth, id);
  }

  @Get('customers/:id/bills')
  @ApiOperation({ summary: 'A customer’s bills, newest first' })
  @ApiOkResponse({ type: PageOf(BillView) })
  @ApiProblems(400, 404)
  bills(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Query() q: BillsQuery) {
    return this.accounts.customerBillsFor(auth, id, q.limit, q.offset);
  }

  @Get('customers/:id/payments')
  @ApiOperation({
    summary: 'A customer’s payments, newest first (reversed ones included, with reversedAt)',
    description:
      'Billing staff read every customer’s; directors those of customers in their scope (404 otherwise). ' +
      'GET /payments/{id} shows a payment’s allocations.',
  })
  @ApiOkResponse({ type: PageOf(PaymentSummaryView) })
  @ApiProblems(400, 404)
  payments(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Query() q: PaymentsQuery) {
    return this.paymentsService.customerPayments(auth, id, q);
  }

  @Get('customers/:id/account')
  @ApiOperation({
    summary: 'A customer’s account: balance, credit, outstanding, overdue amount and oldest overdue date',
    description:
      'balanceFen = every charge posted − every payment not reversed (negative: in credit); creditFen = payment money not yet applied; ' +
      'outstandingFen = issued bills’ totals − what was applied to them; overdueFen = the part of it on bills past their due date as of asOf.',
  })
  @ApiOkResponse({ type: AccountView })
  @ApiProblems(400, 404)
  account(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Query() q: AsOfQuery) {
    return this.accounts.accountFor(auth, id, q.asOf);
  }
}
