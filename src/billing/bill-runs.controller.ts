import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { BILLING_READERS } from './billing-access';
import { BillRunsService } from './bill-runs.service';
import { BillRunDto } from './dto/billing-input.dto';
import { BillRunView } from './dto/billing-views.dto';

@ApiController('billing', 'billing/bill-runs')
export class BillRunsController {
  constructor(private readonly runs: BillRunsService) {}

  @Post()
  @HttpCode(202)
  @Roles('billing', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Start a bill run for a period: one consolidated bill per customer with unbilled charges of that period or earlier',
    description:
      'Asynchronous: one job per customer on the billing queue; follow it at GET /billing/bill-runs/{id}. A run covers every region, so it needs a ' +
      'nationwide (CN) scope or the admin role (403). Running it again, or two runs at once, never makes a second bill for a customer and period.',
  })
  @ApiAcceptedResponse({ type: BillRunView })
  @ApiProblems(400)
  start(@Auth() auth: AuthContext, @Body() dto: BillRunDto) {
    return this.runs.start(auth, dto.period);
  }

  @Get(':id')
  @Roles(...BILLING_READERS)
  @ApiOperation({ summary: 'A bill run’s progress: customers processed, and what happened to each' })
  @ApiOkResponse({ type: BillRunView })
  @ApiProblems(400, 404)
  get(@Param('id', UuidPipe) id: string) {
    return this.runs.get(id);
  }
}
