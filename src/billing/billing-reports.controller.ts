import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { ArrearsService } from './arrears.service';
import { BILLING_READERS } from './billing-access';
import { ArrearsQuery, SettlementQuery } from './dto/billing-input.dto';
import { ArrearsPageView, SettlementView } from './dto/billing-views.dto';
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

  @Get('settlements')
  @ApiOperation({
    summary: 'Settlement between regions for the payments received in a month: what each collecting region owes each serving region',
    description: 'The matrix plus the unallocated money (credit) adds up to the payments collected; net positions per region.',
  })
  @ApiOkResponse({ type: SettlementView })
  @ApiProblems(400)
  settlements(@Query() q: SettlementQuery) {
    return this.settlementReports.report(q.period);
  }
}
