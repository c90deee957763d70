import { Body, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  SerializedPageOf,
  UuidPipe,
  type AuthContext,
  ApiErrors,
} from '../common/http/controller';
import { CustomersService } from './customers.service';
import {
  ArchiveCustomerDto,
  CreateCustomerDto,
  CustomerDto,
  CustomerQuery,
  CustomerSummaryDto,
  TransferCustomerDto,
  TransferDto,
  UpdateCustomerDto,
} from './dto/customer.dto';

@ApiErrors('CustomerError')
@ApiController('customers', 'customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles('admin', 'director', 'account_manager')
  @Idempotent()
  @ApiOperation({ summary: 'Create a customer with its contacts and sites' })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiProblems(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateCustomerDto) {
    return this.customers.create(auth, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'Find customers in the caller’s regions',
    description:
      'Filter by tier, region prefix, green channel, account manager; `q` matches customer number, credit code, contact mobile, access number or a name fragment.',
  })
  @ApiOkResponse({ type: PageOf(CustomerSummaryDto) })
  @SerializedPageOf(CustomerSummaryDto)
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: CustomerQuery) {
    return this.customers.list(auth, q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer with contacts (mobiles masked unless allowed), sites and service instances' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(400, 404)
  get(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.customers.get(auth, id);
  }

  @Patch(':id')
  @Roles('admin', 'director', 'account_manager')
  @ApiOperation({ summary: 'Change a customer; `expectedVersion` must match (409 otherwise)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateCustomerDto) {
    return this.customers.update(auth, id, dto);
  }

  @Post(':id/transfer')
  @HttpCode(200)
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'Move the customer to another account manager, keeping the history' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(400, 404, 409)
  transfer(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: TransferCustomerDto) {
    return this.customers.transfer(auth, id, dto);
  }

  @Get(':id/transfers')
  @ApiOperation({ summary: 'Every account manager the customer has had' })
  @ApiOkResponse({ type: [TransferDto] })
  @ApiProblems(400, 404)
  transfers(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.customers.transfers(auth, id);
  }

  @Post(':id/archive')
  @HttpCode(200)
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'Archive (never erase) a customer: hidden from default lists, frozen' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(400, 404, 409)
  archive(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: ArchiveCustomerDto) {
    return this.customers.setArchived(auth, id, dto);
  }

  @Post(':id/restore')
  @HttpCode(200)
  @Roles('admin', 'director')
  @ApiOperation({ summary: 'Bring an archived customer back' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiProblems(400, 404, 409)
  restore(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.customers.setArchived(auth, id, null);
  }
}
