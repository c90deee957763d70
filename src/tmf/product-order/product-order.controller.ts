import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Auth, Roles } from '../../common/auth/decorators';
import type { AuthContext, Role } from '../../common/auth/auth-context';
import { Idempotent } from '../../common/idempotency/idempotency.interceptor';
import { AppConfig } from '../../config/app-config';
import { tmfBaseUrl } from '../common/tmf-api';
import { ApiTmfList, TmfController, TmfOrigin } from '../common/tmf-http';
import { PRODUCT_ORDERING, productOrderHrefs } from './product-order.api';
import { PATCHABLE, ProductOrdersService } from './product-orders.service';

/** Who takes and cancels orders: as POST /api/v1/orders. */
export const ORDER_DESK: Role[] = ['admin', 'director', 'agent', 'account_manager'];

@TmfController(PRODUCT_ORDERING, 'productOrder')
export class ProductOrderController {
  constructor(
    private readonly productOrders: ProductOrdersService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles(...ORDER_DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Take an order (TMF622 ProductOrder_Create): one work order per region, as POST /api/v1/orders',
    description:
      'productOrderItem[] {id, action add|modify|delete, quantity, productOffering.id (product code), product {place[0].id (site), ' +
      'productCharacteristic[] (attributes), id (service instance, modify/delete)}}, relatedParty[] (the customer), ' +
      'requestedCompletionDate, priority ("0"–"1" urgent), externalId, note[], channel[] {@referredType Region, id} (the accepting region; ' +
      'default: the caller’s when their scope is one region). noChange items and attributes Focus One does not model are 400s. README, "How an OSS connects".',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  create(@Auth() auth: AuthContext, @Body() body: unknown, @TmfOrigin() origin: string) {
    return this.productOrders.create(auth, body, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }

  @Get()
  @ApiTmfList()
  @ApiOperation({ summary: 'Orders the caller may see, newest first; filters id, state, externalId, orderDate (.gt/.gte/.lt/.lte)' })
  list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @TmfOrigin() origin: string) {
    return this.productOrders.list(auth, query, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order; each item’s state is its region’s work order’s, the order’s the roll-up' })
  @ApiOkResponse({ schema: { type: 'object', additionalProperties: true } })
  get(@Auth() auth: AuthContext, @Param('id') id: string, @TmfOrigin() origin: string) {
    return this.productOrders.get(auth, id, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }

  @Patch(':id')
  @HttpCode(200)
  @Roles(...ORDER_DESK)
  @ApiOperation({
    summary: `JSON merge patch of ${PATCHABLE.join(', ')} (note appends); anything else is a 400 (cancel through cancelProductOrder)`,
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  patch(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @TmfOrigin() origin: string) {
    return this.productOrders.patch(auth, id, body, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }
}

@TmfController(PRODUCT_ORDERING, 'cancelProductOrder')
export class CancelProductOrderController {
  constructor(
    private readonly productOrders: ProductOrdersService,
    private readonly config: AppConfig,
  ) {}

  @Post()
  @Roles(...ORDER_DESK)
  @Idempotent()
  @ApiOperation({
    summary: 'Cancel an order (TMF622 CancelProductOrder_Create) by the orders’ rule: the regions not completed are cancelled',
    description:
      'productOrder.id and cancellationReason are required; requestedCancellationDate, when sent, must not be in the future (the cancel is made at once). ' +
      'Answered `done`; a cancel the rule refuses (nothing left to cancel) is a 409 and leaves no request.',
  })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  create(@Auth() auth: AuthContext, @Body() body: unknown, @TmfOrigin() origin: string) {
    return this.productOrders.cancel(auth, body, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }

  @Get()
  @ApiTmfList()
  @ApiOperation({ summary: 'Cancel requests of the orders the caller may see, newest first' })
  list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @TmfOrigin() origin: string) {
    return this.productOrders.listCancels(auth, query, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }

  @Get(':id')
  @ApiOperation({ summary: 'One cancel request' })
  get(@Auth() auth: AuthContext, @Param('id') id: string, @TmfOrigin() origin: string) {
    return this.productOrders.getCancel(auth, id, productOrderHrefs(tmfBaseUrl(this.config, origin)));
  }
}
