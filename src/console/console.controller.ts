import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, type AuthContext } from '../common/http/controller';
import { ConsoleService } from './console.service';
import { LookupQuery, LookupResultDto, QueuePageDto, QueueQuery } from './dto/console.dto';

/** The 1000-hotline agent console. Every role may use it; what each sees is bounded by their region scope. */
@ApiController('console', 'console')
export class ConsoleController {
  constructor(private readonly console: ConsoleService) {}

  @Get('lookup')
  @ApiOperation({
    summary: 'Find a customer by any key in one box',
    description:
      'One query string matched against contact mobile, unified social credit code, customer number, service access number ' +
      'and name fragment, in the caller’s regions (as GET /customers). Contact mobiles are always masked here, whatever ' +
      'the caller’s role; open GET /customers/{id} or the overview to see them in full (audited). `matchedBy` says which key matched.',
  })
  @ApiOkResponse({ type: LookupResultDto })
  @ApiProblems(400)
  lookup(@Auth() auth: AuthContext, @Query() q: LookupQuery) {
    return this.console.lookup(auth, q);
  }

  @Get('queue')
  @ApiOperation({
    summary: 'Open cases of every kind in the caller’s regions, most urgent first',
    description:
      'Order: breached cases first (any clock past its target), then the nearest due time among running clocks ' +
      '(cases whose clocks are all paused or stopped come last), then green channel first, then priority, then the oldest. ' +
      '`region` narrows the caller’s scope by prefix; `kind` keeps one kind of case.',
  })
  @ApiOkResponse({ type: QueuePageDto })
  @ApiProblems(400)
  queue(@Auth() auth: AuthContext, @Query() q: QueueQuery) {
    return this.console.queue(auth, q);
  }
}
