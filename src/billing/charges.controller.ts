import { Body, Get, Post, Query, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiController, ApiProblems, Auth, Idempotent, PageOf, Roles, type AuthContext } from '../common/http/controller';
import { ChargesService } from './charges.service';
import { BILLING_READERS } from './billing-access';
import { ChargeBatchDto, ChargeDto, ChargesQuery, MAX_BATCH_CHARGES } from './dto/billing-input.dto';
import { ChargeBatchResultDto, ChargeView } from './dto/billing-views.dto';
import { MAX_AMOUNT_FEN } from './money';

/** A full batch of 10,000 charges is about 3 MB of JSON: this route alone takes up to 16 MiB. */
export const CHARGE_BATCH_BODY_LIMIT = 16 * 1024 * 1024;

@ApiController('billing', 'billing')
export class ChargesController {
  constructor(private readonly charges: ChargesService) {}

  @Get('charges')
  @Roles(...BILLING_READERS)
  @ApiOperation({
    summary: 'Charges, newest first: by customer, period and whether billed',
    description:
      'Billing staff read every customer’s charges (pay anywhere); directors only those of customers whose home region or a site is ' +
      'within their scope (others are not listed). billed=true: charges on a bill; billed=false: those still waiting for a bill run. ' +
      'total counts up to 10,000 (totalCapped beyond).',
  })
  @ApiOkResponse({ type: PageOf(ChargeView) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: ChargesQuery) {
    return this.charges.list(auth, q);
  }

  @Post('charges')
  @Roles('billing', 'admin')
  @Idempotent()
  @ApiOperation({
    summary: 'Post one charge (a regional system’s service account with role billing, scoped to its region)',
    description:
      `Amounts are integer fen (|amountFen| ≤ ${MAX_AMOUNT_FEN}); only an adjustment may be negative. A period after the current month ` +
      '(China time) is refused (400 naming period). serviceRegion must be within the caller’s scope (403) ' +
      'and a region where the customer has a site or a service instance (its own code or one containing it; 400 naming serviceRegion). ' +
      'sourceRef is unique within serviceRegion: resending the same content answers 200 with the stored charge and changes nothing; other content → 409.',
  })
  @ApiCreatedResponse({ type: ChargeView, description: 'Created' })
  @ApiOkResponse({ type: ChargeView, description: 'A resend of an existing charge with the same content: nothing changed' })
  @ApiProblems(400, 404, 409)
  async post(@Auth() auth: AuthContext, @Body() dto: ChargeDto, @Res({ passthrough: true }) reply: FastifyReply) {
    const { created, charge } = await this.charges.post(auth, dto);
    if (!created) reply.status(200);
    return charge;
  }

  // '::' is Fastify's escape for a literal ':' in a path: the route is /billing/charges:batch.
  @Post('charges::batch')
  @Roles('billing', 'admin')
  @Idempotent()
  @RouteConfig({ bodyLimitBytes: CHARGE_BATCH_BODY_LIMIT })
  @ApiOperation({
    summary: `Post up to ${MAX_BATCH_CHARGES.toLocaleString('en')} charges, all or nothing`,
    description:
      'Each charge follows the rules of POST /billing/charges (a period after the current month: 400 naming charges[i].period); a bad one is a 400 naming charges[i].field, a resend with other content a 409 ' +
      'listing the sourceRefs, and in both cases nothing is written. Resends with the same content count as unchanged.',
  })
  @ApiCreatedResponse({ type: ChargeBatchResultDto })
  @ApiProblems(400, 409)
  batch(@Auth() auth: AuthContext, @Body() dto: ChargeBatchDto) {
    return this.charges.postBatch(auth, dto.charges);
  }
}
