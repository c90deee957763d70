import { workOrderNotFound } from './orders.errors';
import { ApiCaseRef, CaseRefPipe } from '../cases/case-ref';
import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { TimelineEntryDto } from '../cases/dto/timeline-entry.dto';
import { ApiController, ApiProblems, Auth, PageOf, Roles, UuidPipe, type AuthContext, ApiErrors } from '../common/http/controller';
import { RetryWorkOrderDto, WorkOrderDetailDto, WorkOrderQuery, WorkOrderTransitionDto } from './dto/order.dto';
import { WORK_ORDER_TRANSITIONS } from './order-lifecycle';
import { WorkOrdersService } from './work-orders.service';

const LIFECYCLE = Object.entries(WORK_ORDER_TRANSITIONS)
  .map(([from, to]) => `${from} → ${to.length ? to.join(' | ') : '(final)'}`)
  .join('; ');

@ApiErrors('OrderError', 'CustomerError')
@ApiController('work-orders', 'work-orders')
export class WorkOrdersController {
  constructor(private readonly workOrders: WorkOrdersService) {}

  @Get()
  @Roles('fulfilment', 'admin', 'director')
  @ApiOperation({
    summary: 'Work orders in the caller’s regions, by priority (green channel first) and due time',
    description:
      'Each with what its region’s team needs without another call: the order’s case and contract number, the region’s name, ' +
      'the sites of its lines (name, address, region name), the customer’s contact for site work (masked unless the reader is an ' +
      'admin, a director or the customer’s account manager; a read in full is audited) and the products of its lines.',
  })
  @ApiOkResponse({ type: PageOf(WorkOrderDetailDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: WorkOrderQuery) {
    return this.workOrders.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One work order with its items and clocks, its sites, contact, contract and products',
    description: 'The contact is masked by the usual rule; a read in full is audited (customer.contacts_unmasked).',
  })
  @ApiOkResponse({ type: WorkOrderDetailDto })
  @ApiCaseRef(['work_order'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['work_order'] as const, workOrderNotFound)) ref: string) {
    return this.workOrders.get(auth, ref);
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
      'when they see the order (they fulfil another part of it), else 404; other roles 403. An illegal move or a stale expectedVersion gives 409. ' +
      'Completing updates the customer’s service inventory in the same transaction: an add line creates an active service instance ' +
      '(with the access number given in `lines`, if any), a modify line merges its attributes into the instance’s, a terminate line sets ' +
      'it terminated (kept). An instance no longer live or an access number in use gives 409 and nothing is written. ' +
      'failed → pending is not made here: POST /work-orders/:id/retry.',
  })
  @ApiOkResponse({ type: WorkOrderDetailDto })
  @ApiProblems(400, 403, 404, 409)
  transition(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: WorkOrderTransitionDto) {
    return this.workOrders.transition(auth, id, dto);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @Roles('fulfilment', 'director')
  @ApiOperation({
    summary: 'Retry a failed work order (failed → pending): fulfilment staff of its region or a director covering it',
    description:
      'With a reason. The work order goes back to the fulfilment queue and is dispatched again (its region’s endpoint or console ' +
      'queue); its resolution clock resumes (the time it stood failed is not counted). A partial or failed order reopens ' +
      '(in_progress, or acknowledged when no region has taken its part). Audited (work_order.retried), on the timeline, and a ' +
      'work_order.state_changed event. 409 when the work order is not failed, its order was cancelled or rejected, or expectedVersion ' +
      'is stale; staff of another region get 403 when they see the order, else 404; other roles 403.',
  })
  @ApiOkResponse({ type: WorkOrderDetailDto })
  @ApiProblems(400, 403, 404, 409)
  retry(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: RetryWorkOrderDto) {
    return this.workOrders.retry(auth, id, dto);
  }
}
