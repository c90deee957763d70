import { Body, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiProblems, Auth, Idempotent, Roles, type AuthContext } from '../../common/http/controller';
import { ApiTmfList, TmfController, TmfOrigin } from '../common/tmf-http';
import { CUSTOMER, TMF629 } from './customer-mapping';
import { TmfCustomerDto, TmfCustomerInputDto, TmfCustomerPatchDto } from './dto/tmf-customer.dto';
import { TmfCustomerService } from './tmf-customer.service';

@TmfController(TMF629, CUSTOMER)
export class TmfCustomerController {
  constructor(private readonly customers: TmfCustomerService) {}

  @Post()
  @Roles('admin', 'director', 'account_manager')
  @Idempotent()
  @ApiOperation({ summary: 'Create a customer (the rules and 400s of POST /api/v1/customers)' })
  @ApiBody({ type: TmfCustomerInputDto })
  @ApiCreatedResponse({ type: TmfCustomerDto })
  @ApiProblems(400, 403, 409)
  create(@Auth() auth: AuthContext, @Body() body: unknown, @TmfOrigin() origin: string) {
    return this.customers.create(auth, body, origin);
  }

  @Get()
  @ApiTmfList()
  @ApiOperation({
    summary: 'Customers in the caller’s regions, newest first',
    description:
      'Filters: id, name, status (active, archived; default active), validFor.startDateTime(.gt/.gte/.lt/.lte); offset, limit, fields.',
  })
  @ApiOkResponse({ type: [TmfCustomerDto] })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() query: Record<string, unknown>, @TmfOrigin() origin: string) {
    return this.customers.list(auth, query, origin);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer (mobiles masked unless the caller may see them; `fields=` projects)' })
  @ApiOkResponse({ type: TmfCustomerDto })
  @ApiProblems(404)
  get(@Auth() auth: AuthContext, @Param('id') id: string, @TmfOrigin() origin: string) {
    return this.customers.get(auth, id, origin);
  }

  @Patch(':id')
  @Roles('admin', 'director', 'account_manager')
  @ApiOperation({ summary: 'Change name and characteristics (JSON merge patch; the versioned update of /api/v1, see the docs)' })
  @ApiConsumes('application/merge-patch+json', 'application/json')
  @ApiBody({ type: TmfCustomerPatchDto })
  @ApiOkResponse({ type: TmfCustomerDto })
  @ApiProblems(400, 403, 404, 409)
  patch(@Auth() auth: AuthContext, @Param('id') id: string, @Body() body: unknown, @TmfOrigin() origin: string) {
    return this.customers.patch(auth, id, body, origin);
  }
}
