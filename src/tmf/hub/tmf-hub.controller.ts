import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseInterceptors } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { TMF_API_ROOT } from '../../common/http/api-path';
import { ApiProblems, Auth, Authenticated, Roles, type AuthContext } from '../../common/http/controller';
import { TmfResponseInterceptor } from '../common/tmf-http';
import { EventSubscriptionDto, EventSubscriptionInputDto } from './dto/event-subscription.dto';
import { TmfHubService } from './tmf-hub.service';

const API_PARAM = {
  name: 'apiName',
  enum: ['troubleTicket', 'productOrderingManagement', 'customerManagement'],
  description: 'The API whose events: TMF621, TMF622 or TMF629',
};

/**
 * The TMF v4 hub of every API that registered its events (tmf-hub.port.ts);
 * webhook admins only, as /webhooks. POST takes no Idempotency-Key: its
 * answer may carry a drawn secret, which is never stored for a replay.
 */
@ApiTags('TMF hub')
@Authenticated()
@Roles('admin')
@UseInterceptors(TmfResponseInterceptor)
@Controller(`${TMF_API_ROOT}/:apiName/v4/hub`)
export class TmfHubController {
  constructor(private readonly hub: TmfHubService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe a listener to the API’s events (a webhook subscription in the TMF envelope)' })
  @ApiParam(API_PARAM)
  @ApiBody({ type: EventSubscriptionInputDto })
  @ApiCreatedResponse({ type: EventSubscriptionDto })
  @ApiProblems(400, 404)
  subscribe(@Auth() auth: AuthContext, @Param('apiName') apiName: string, @Body() body: unknown) {
    return this.hub.subscribe(auth, apiName, body);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One hub subscription' })
  @ApiParam(API_PARAM)
  @ApiOkResponse({ type: EventSubscriptionDto })
  @ApiProblems(404)
  get(@Param('apiName') apiName: string, @Param('id') id: string) {
    return this.hub.get(apiName, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Unsubscribe (pending deliveries end as failed)' })
  @ApiParam(API_PARAM)
  @ApiNoContentResponse()
  @ApiProblems(404)
  async unsubscribe(@Auth() auth: AuthContext, @Param('apiName') apiName: string, @Param('id') id: string): Promise<void> {
    await this.hub.unsubscribe(auth, apiName, id);
  }
}
