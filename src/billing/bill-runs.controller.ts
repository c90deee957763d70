import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { BILLING_READERS } from './billing-access';
import { BillRunsService } from './bill-runs.service';
import { BillRunDto, BillRunQuery, BillRunsQuery } from './dto/billing-input.dto';
import { BillRunSummaryView, BillRunView } from './dto/billing-views.dto';

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
      'nationwide (CN) scope or the admin role (403). Running it again, or two runs at once, never makes a second bill for a customer and period. ' +
      'A period after the current month (China time) → 400 naming period. When the period’s due date (its last day + BILL_DUE_DAYS) is ' +
      'before the issue date, its bills fall due BILL_DUE_DAYS after the issue date instead: the run says so (dueDateAdjusted, notice), ' +
      'as does each bill (dueDateAdjusted).',
  })
  @ApiAcceptedResponse({ type: BillRunView })
  @ApiProblems(400)
  start(@Auth() auth: AuthContext, @Body() dto: BillRunDto) {
    return this.runs.start(auth, dto.period);
  }

  @Get()
  @Roles(...BILLING_READERS)
  @ApiOperation({
    summary: 'Bill runs, newest first',
    description: 'A run covers every region; every billing reader sees the list. Each run’s outcomes are at GET /billing/bill-runs/{id}.',
  })
  @ApiOkResponse({ type: PageOf(BillRunSummaryView) })
  @ApiProblems(400)
  list(@Query() q: BillRunsQuery) {
    return this.runs.list(q);
  }

  @Get(':id')
  @Roles(...BILLING_READERS)
  @ApiOperation({
    summary: 'A bill run’s progress: customers processed, and what happened to each',
    description:
      'outcomes counts the customers by outcome; customers lists each customer’s outcome (with the bill issued or found), in a stable ' +
      'order (by customer id), paged by limit and offset, narrowed by outcome. Billing staff see every customer; directors those whose home region or a ' +
      'site is within their scope.',
  })
  @ApiOkResponse({ type: BillRunView })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Query() q: BillRunQuery) {
    return this.runs.getFor(auth, id, q);
  }
}
