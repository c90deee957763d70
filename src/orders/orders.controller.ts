import { orderNotFound } from './orders.errors';
import { ApiCaseRef, CaseRefPipe } from '../cases/case-ref';
import { Body, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from '../common/http/problem.dto';
import {
  ApiController,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
  ApiErrors,
} from '../common/http/controller';
import { TimelineEntryDto } from '../cases/dto/timeline-entry.dto';
import { CancelOrderDto, CreateOrderDto, OrderDto, OrderQuery } from './dto/order.dto';
import { OrdersService } from './orders.service';

const ORDER_DESK = ['admin', 'director', 'agent', 'account_manager'] as const;

/** The 409s of order intake, with the arrears refusal's extension members shown. */
const ORDER_CONFLICTS = ApiResponse({
  status: 409,
  description:
    'ORDER_CUSTOMER_IN_ARREARS: a bill more than 90 days overdue; overdueFen (outstanding on every bill past its due date, in fen) and ' +
    'oldestOverdueDate (the due date of the oldest of them) say how much and since when. Other conflicts: illegal state, stale version.',
  content: {
    'application/problem+json': {
      schema: { $ref: getSchemaPath(ProblemDto) },
      examples: {
        arrears: {
          summary: 'The customer is in arrears',
          value: {
            type: 'urn:focus-one:problem:order-customer-in-arrears',
            title: 'Conflict',
            status: 409,
            detail: 'The customer has bills more than 90 days overdue; a director may override',
            code: 'ORDER_CUSTOMER_IN_ARREARS',
            instance: '/api/v1/orders',
            overdueFen: 12340000,
            oldestOverdueDate: '2026-03-02',
          },
        },
      },
    },
  },
});

@ApiErrors('OrderError', 'CustomerError')
@ApiController('orders', 'orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Post()
  @Roles(...ORDER_DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Take an order for sites in any number of regions: one work order per region, dispatched green channel first',
    description:
      'Every site must be the customer’s; modify and terminate name the customer’s service instance of that product at that site; ' +
      'attributes are checked against the product (GET /products). Priority: P3 (P2 when urgent), +1 for the standard tier, −1 for the green channel. ' +
      '`committedCompletionAt` is the order policy’s resolution target, never earlier than the longest product lead time nor the requested date ' +
      '(to the second). A customer with bills more than 90 days overdue is refused with 409 ORDER_CUSTOMER_IN_ARREARS (with overdueFen and ' +
      'oldestOverdueDate) unless a director sets arrearsOverride.',
  })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiProblems(400, 403, 404, 422)
  @ORDER_CONFLICTS
  create(@Auth() auth: AuthContext, @Body() dto: CreateOrderDto) {
    return this.orders.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'Orders the caller may see, newest first' })
  @ApiOkResponse({ type: PageOf(OrderDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: OrderQuery) {
    return this.orders.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order with its work orders and clocks' })
  @ApiOkResponse({ type: OrderDto })
  @ApiCaseRef(['order'] as const)
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', new CaseRefPipe(['order'] as const, orderNotFound)) ref: string) {
    return this.orders.get(auth, ref);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @Roles(...ORDER_DESK)
  @ApiOperation({
    summary: 'Cancel the order for the regions that have not completed',
    description:
      'Every open or failed work order is cancelled. With no region completed the order ends cancelled (as before); with a completed ' +
      'region it ends partial and `cancelledRegions` names the regions cancelled (an order already partial keeps its state and gives up ' +
      'its failed regions). 409 when nothing is left to cancel: the order completed, or was cancelled or rejected.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(400, 404, 409)
  cancel(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CancelOrderDto) {
    return this.orders.cancel(auth, id, dto.reason);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Roles(...ORDER_DESK)
  @ApiOperation({ summary: 'Refuse the order (the operator cannot take it): only while acknowledged; its work orders are cancelled' })
  @ApiOkResponse({ type: OrderDto })
  @ApiProblems(400, 404, 409)
  reject(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: CancelOrderDto) {
    return this.orders.reject(auth, id, dto.reason);
  }

  @Get(':id/timeline')
  @ApiOperation({ summary: 'The order’s history: creation and every state change' })
  @ApiOkResponse({ type: [TimelineEntryDto] })
  @ApiProblems(400, 404)
  timeline(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.orders.timeline(auth, id);
  }
}
