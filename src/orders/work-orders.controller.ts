import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { TimelineEntryDto } from '../cases/dto/timeline-entry.dto';
import { ApiController, ApiProblems, Auth, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { WorkOrderDto, WorkOrderQuery, WorkOrderTransitionDto } from './dto/order.dto';
import { WORK_ORDER_TRANSITIONS } from './order-lifecycle';
import { WorkOrdersService } from './work-orders.service';

const LIFECYCLE = Object.entries(WORK_ORDER_TRANSITIONS)
  .map(([from, to]) => `${from} → ${to.length ? to.join(' | ') : '(final)'}`)
  .join('; ');

@ApiController('work-orders', 'work-orders')
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @Get()
  @Roles('fulfilment', 'admin', 'director')
  @ApiOperation({ summary: 'Work orders in the caller’s regions, by priority (green channel first) and due time' })
  @ApiOkResponse({ type: PageOf(WorkOrderDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: WorkOrderQuery) {
    return this.workOrders.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One work order with its items and clocks' })
  @ApiOkResponse({ type: WorkOrderDto })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.workOrders.get(auth, id);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The work order’s history: creation, dispatch and every move' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  @ApiProblems(400, 404)
  timeline(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.workOrders.timeline(auth, id);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Roles('fulfilment')
  @ApiOperation({
    summary: 'Move a work order: fulfilment staff of its region only',
    description:
      `Lifecycle: ${LIFECYCLE}. Staff take (in_progress), complete or fail (with a reason); dispatching is the fulfilment queue’s and ` +
      'cancelling the order’s. The order’s state follows in the same transaction: all completed → completed, some failed → partial, ' +
      'all failed → failed; its response clock stops once every region has taken its work order. Fulfilment staff of another region get 403 ' +
      'when they see the order (they fulfil another part of it), else 404; other roles 403. An illegal move or a stale expectedVersion gives 409.',
  })
  @ApiOkResponse({ type: WorkOrderDto })
  @ApiProblems(400, 403, 404, 409)
  transition(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: WorkOrderTransitionDto) {
    return this.workOrders.transition(auth, id, dto);
  }
}
