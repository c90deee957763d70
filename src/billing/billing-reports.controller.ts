import { Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { ArrearsService } from './arrears.service';
import { BILLING_READERS } from './billing-access';
import { ArrearsQuery, SettlementQuery } from './dto/billing-input.dto';
import { ArrearsPageView, ArrearsRunView, SettlementView } from './dto/billing-views.dto';
import { SettlementsService } from './settlements.service';

@ApiController('billing', 'billing')
@Roles(...BILLING_READERS)
export class BillingReportsController {
  constructor(
    private readonly arrears: ArrearsService,
    private readonly settlementReports: SettlementsService,
  ) {}

  @Get('arrears')
  @ApiOperation({
    summary: 'Customers with overdue bills by aging bucket (0-30, 31-60, 61-90, 90+ days past due), with their account manager',
    description:
      'Aged as of asOf (today in China time by default). Customers whose home region or a site is within the caller’s scope; region narrows to a home region. ' +
      'Sorted by the overdue amount (order=desc by default). blockedForArrears: more than 90 days past due.',
  })
  @ApiOkResponse({ type: ArrearsPageView })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: ArrearsQuery) {
    return this.arrears.list(auth, q);
  }

  @Post('arrears/run')
  @HttpCode(200)
  @Roles('admin')
  @ApiOperation({
    summary: 'Run the daily arrears check now (admins)',
    description:
      'What the daily job does at ARREARS_RUN_AT (China time): ages every overdue customer as of today and raises one arrears.overdue event ' +
      'per customer and aging bucket not yet announced. Synchronous: answers how many events it raised. Running it again the same day ' +
      'raises nothing new (so no Idempotency-Key is needed). Audited as billing.arrears_run.',
  })
  @ApiOkResponse({ type: ArrearsRunView })
  runArrears(@Auth() auth: AuthContext) {
    return this.arrears.runNow(auth);
  }

  @Get('settlements')
  @ApiOperation({
    summary: 'Settlement between regions for the payments received in a month: what each collecting region owes each serving region',
    description:
      'The matrix plus the unallocated money (credit) adds up to the payments collected; net positions per region, each with its name. ' +
      'level=province|city|district rolls every region up to that level first (money moving within a province is then kept); ' +
      'without level, regions as recorded on payments and bill lines (as before).',
  })
  @ApiOkResponse({ type: SettlementView })
  @ApiProblems(400)
  settlements(@Query() q: SettlementQuery) {
    return this.settlementReports.report(q.period, q.level);
  }
}
