import { Body, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { RegionDispatchDto, RegionDispatchView } from './dto/order.dto';
import { RegionDispatchService } from './region-dispatch.service';

@ApiController('regions', 'regions')
@Roles('admin')
export class RegionDispatchController {
  constructor(private readonly dispatch: RegionDispatchService) {}

  @Put(':code/dispatch')
  @ApiOperation({
    summary: 'Set the region’s work-order dispatch endpoint',
    description:
      'Work orders of this region (or of its districts, unless a district has its own) are POSTed there as signed webhooks ' +
      '(`X-FocusOne-Event: work_order.dispatched`, `X-FocusOne-Signature: sha256=<HMAC of the raw body>`, `X-FocusOne-Delivery` stable across retries). ' +
      'The URL must reach a public address (the webhooks’ SSRF guard). Without an endpoint, work orders wait in the region’s console queue.',
  })
  @ApiOkResponse({ type: RegionDispatchView })
  @ApiProblems(400, 404)
  put(@Auth() auth: AuthContext, @Param('code') code: string, @Body() dto: RegionDispatchDto) {
    return this.dispatch.put(auth, code, dto);
  }

  @Get(':code/dispatch')
  @ApiOperation({ summary: 'The region’s dispatch endpoint (the secret is never returned)' })
  @ApiOkResponse({ type: RegionDispatchView })
  @ApiProblems(404)
  get(@Param('code') code: string) {
    return this.dispatch.get(code);
  }

  @Delete(':code/dispatch')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove the endpoint: the region’s work orders wait in its console queue again' })
  @ApiNoContentResponse()
  @ApiProblems(404)
  remove(@Auth() auth: AuthContext, @Param('code') code: string) {
    return this.dispatch.remove(auth, code);
  }
}
