import { Body, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { CustomerPartsService } from './customer-parts.service';
import { ContactDto, ContactInput, UpdateContactDto } from './dto/contact.dto';
import { CreateServiceInstanceDto, ServiceInstanceDto, UpdateServiceInstanceDto } from './dto/service-instance.dto';
import { SiteDto, SiteInput, UpdateSiteDto } from './dto/site.dto';

const MANAGERS = ['admin', 'director', 'account_manager'] as const;

@ApiController('customers', 'customers/:customerId')
export class CustomerPartsController {
  constructor(private readonly parts: CustomerPartsService) {}

  @Get('contacts')
  @ApiOperation({ summary: 'Contacts (mobiles masked unless the caller may see them)' })
  @ApiOkResponse({ type: [ContactDto] })
  @ApiProblems(400, 404)
  listContacts(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string) {
    return this.parts.listContacts(auth, customerId);
  }

  @Post('contacts')
  @Roles(...MANAGERS)
  @Idempotent()
  @ApiOperation({ summary: 'Add a contact' })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiProblems(400, 404, 409)
  addContact(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string, @Body() dto: ContactInput) {
    return this.parts.addContact(auth, customerId, dto);
  }

  @Patch('contacts/:id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Change a contact (`expectedVersion` required)' })
  @ApiOkResponse({ type: ContactDto })
  @ApiProblems(400, 404, 409)
  updateContact(
    @Auth() auth: AuthContext,
    @Param('customerId', UuidPipe) customerId: string,
    @Param('id', UuidPipe) id: string,
    @Body() dto: UpdateContactDto,
  ) {
    return this.parts.updateContact(auth, customerId, id, dto);
  }

  @Get('sites')
  @ApiOperation({ summary: 'Sites with their regions' })
  @ApiOkResponse({ type: [SiteDto] })
  @ApiProblems(400, 404)
  listSites(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string) {
    return this.parts.listSites(auth, customerId);
  }

  @Post('sites')
  @Roles(...MANAGERS)
  @Idempotent()
  @ApiOperation({ summary: 'Add a site' })
  @ApiCreatedResponse({ type: SiteDto })
  @ApiProblems(400, 404, 409)
  addSite(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string, @Body() dto: SiteInput) {
    return this.parts.addSite(auth, customerId, dto);
  }

  @Patch('sites/:id')
  @Roles(...MANAGERS)
  @ApiOperation({ summary: 'Change a site (`expectedVersion` required)' })
  @ApiOkResponse({ type: SiteDto })
  @ApiProblems(400, 404, 409)
  updateSite(
    @Auth() auth: AuthContext,
    @Param('customerId', UuidPipe) customerId: string,
    @Param('id', UuidPipe) id: string,
    @Body() dto: UpdateSiteDto,
  ) {
    return this.parts.updateSite(auth, customerId, id, dto);
  }

  @Get('service-instances')
  @ApiOperation({ summary: 'Service instances (products in service at the customer’s sites)' })
  @ApiOkResponse({ type: [ServiceInstanceDto] })
  @ApiProblems(400, 404)
  listServiceInstances(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string) {
    return this.parts.listServiceInstances(auth, customerId);
  }

  @Post('service-instances')
  @Roles(...MANAGERS, 'fulfilment')
  @Idempotent()
  @ApiOperation({ summary: 'Add a service instance at one of the customer’s sites' })
  @ApiCreatedResponse({ type: ServiceInstanceDto })
  @ApiProblems(400, 404, 409)
  addServiceInstance(@Auth() auth: AuthContext, @Param('customerId', UuidPipe) customerId: string, @Body() dto: CreateServiceInstanceDto) {
    return this.parts.addServiceInstance(auth, customerId, dto);
  }

  @Patch('service-instances/:id')
  @Roles(...MANAGERS, 'fulfilment')
  @ApiOperation({ summary: 'Change a service instance (`expectedVersion` required)' })
  @ApiOkResponse({ type: ServiceInstanceDto })
  @ApiProblems(400, 404, 409)
  updateServiceInstance(
    @Auth() auth: AuthContext,
    @Param('customerId', UuidPipe) customerId: string,
    @Param('id', UuidPipe) id: string,
    @Body() dto: UpdateServiceInstanceDto,
  ) {
    return this.parts.updateServiceInstance(auth, customerId, id, dto);
  }
}
