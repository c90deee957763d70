import { Body, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { BILLING_READERS } from './billing-access';
import { PaymentDto, ReversalDto } from './dto/billing-input.dto';
import { PaymentView } from './dto/billing-views.dto';
import { PaymentsService } from './payments.service';

@ApiController('billing', 'payments')
export class PaymentsController {
  constructor(private readonly payments: PaymentsService) {}

  @Post()
  @Roles('billing', 'director', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Take a payment at any service point: settles open bills oldest first, line by line; any excess becomes credit',
    description:
      'Billing staff of any region may take a payment for any customer; collectedRegion must be within their scope (403). ' +
      'Concurrent payments for one customer are applied one after the other. The response lists the allocations made. ' +
      'A reference already held by a payment (not reversed) of the same customer collected in the same region → 409 ' +
      'PAYMENT_REFERENCE_DUPLICATE (with existingPaymentId), also under concurrency; a director may send allowDuplicateReference: true ' +
      '(anyone else → 403 PAYMENT_DUPLICATE_NEEDS_DIRECTOR). A replay of the same Idempotency-Key answers the first payment, as before.',
  })
  @ApiCreatedResponse({ type: PaymentView })
  @ApiProblems(400, 404, 409)
  receive(@Auth() auth: AuthContext, @Body() dto: PaymentDto) {
    return this.payments.receive(auth, dto);
  }

  @Get(':id')
  @Roles(...BILLING_READERS)
  @ApiOperation({
    summary: 'One payment with its current allocations',
    description: 'Billing staff read any payment; directors only one collected in their scope or of a customer in it (404 otherwise).',
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.payments.get(auth, id);
  }

  @Post(':id/reverse')
  @HttpCode(200)
  @Roles('director', 'admin')
  @ApiOperation({
    summary: 'Reverse a payment (directors): undoes every allocation it made, including credit later bills consumed',
    description:
      'The payment’s collecting region or its customer (home region or a site) must be within the caller’s scope (404 otherwise). ' +
      'The response lists the allocations undone. Other credit on the account then settles the bills this reopened. A second reversal is a 409.',
  })
  @ApiOkResponse({ type: PaymentView })
  @ApiProblems(400, 404, 409)
  reverse(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ReversalDto) {
    return this.payments.reverse(auth, id, dto.reason);
  }
}
