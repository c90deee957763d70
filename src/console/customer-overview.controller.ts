import { Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, UuidPipe, type AuthContext } from '../common/http/controller';
import { ConsoleService } from './console.service';
import { CustomerOverviewDto } from './dto/console.dto';

/** GET /customers/{id}/overview lives in the console: it reads every case module, which customers must not know. */
@ApiController('console', 'customers')
export class CustomerOverviewController {
  constructor(private readonly console: ConsoleService) {}

  @Get(':id/overview')
  @ApiOperation({
    summary: 'The 360° view of one customer: record, open cases with SLA, open alerts, recent closed cases',
    description:
      'Contacts are masked unless the caller is an admin, a director or the customer’s own account manager (an unmasked read is audited). ' +
      'Open cases of every kind are ordered as in the console queue. A customer outside the caller’s regions is a 404.',
  })
  @ApiOkResponse({ type: CustomerOverviewDto })
  @ApiProblems(400, 404)
  overview(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.console.overview(auth, id);
  }
}
