import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiErrors,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
} from '../common/http/controller';
import { CustomerWarningsService } from './customer-warnings.service';
import { AckCustomerWarningDto, CustomerWarningQuery, CustomerWarningView, EvaluationView } from './dto/customer-warning.dto';

const WHO =
  'Admins see every warning; directors and hotline agents those of customers in their regions (home or a site); account managers those of ' +
  'their own customers. Another region’s warning is 404.';

@ApiErrors('CustomerWarningError')
@ApiController('customer-warnings', 'customer-warnings')
export class CustomerWarningsController {
  constructor(private readonly warnings: CustomerWarningsService) {}

  @Get()
  @Roles('admin', 'director', 'account_manager', 'agent')
  @ApiOperation({
    summary: 'Abnormal-customer warnings (异常客户预警), newest first',
    description: `Signals: fault_spike, repeated_complaints, sla_breaches, arrears, bill_drop, low_callback_score (docs/REPORTS.md). ${WHO}`,
  })
  @ApiOkResponse({ type: PageOf(CustomerWarningView) })
  @ApiProblems(400, 403)
  list(@Auth() auth: AuthContext, @Query() q: CustomerWarningQuery) {
    return this.warnings.list(auth, q);
  }

  @Post('evaluate')
  @HttpCode(202)
  @Roles('admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Evaluate every customer now (admins)',
    description:
      'The same code as the daily job at CUSTOMER_WARNINGS_AT (06:00 China time), the windows ending when it starts running. Asynchronous: ' +
      'follow it at GET /customer-warnings/evaluations/{id}. A customer.warning event is sent once per customer, signal and China ISO week, ' +
      'however many evaluations run. Audited.',
  })
  @ApiAcceptedResponse({ type: EvaluationView })
  @ApiProblems(403)
  evaluate(@Auth() auth: AuthContext) {
    return this.warnings.requestEvaluation(auth);
  }

  @Get('evaluations/:id')
  @Roles('admin')
  @ApiOperation({ summary: 'An evaluation’s progress and result (admins): queued → running → done | failed' })
  @ApiOkResponse({ type: EvaluationView })
  @ApiProblems(400, 403, 404)
  evaluation(@Param('id', UuidPipe) id: string) {
    return this.warnings.evaluation(id);
  }

  @Get(':id')
  @Roles('admin', 'director', 'account_manager', 'agent')
  @ApiOperation({ summary: 'One warning', description: WHO })
  @ApiOkResponse({ type: CustomerWarningView })
  @ApiProblems(400, 403, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.warnings.get(auth, id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('admin', 'director', 'account_manager')
  @ApiOperation({
    summary: 'Acknowledge a warning with a note (the customer’s account manager, a director of its region, admins)',
    description:
      'Under the warning’s row lock; audited. Idempotent by itself: acknowledging an acknowledged warning answers it as it is (the first ' +
      'note stays, nothing is written); an ' +
      'expectedVersion that is stale on an open warning is 409. Agents see warnings but may not acknowledge them (403).',
  })
  @ApiOkResponse({ type: CustomerWarningView })
  @ApiProblems(400, 403, 404, 409)
  ack(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: AckCustomerWarningDto) {
    return this.warnings.acknowledge(auth, id, dto);
  }
}
