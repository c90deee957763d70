import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiErrors,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
} from '../common/http/controller';
import {
  CreateNotificationChannelDto,
  NotificationChannelDto,
  NotificationChannelQuery,
  UpdateNotificationChannelDto,
} from './dto/notification-channel.dto';
import { NotificationChannelsService } from './notification-channels.service';

@ApiErrors('NotificationError')
@ApiController('notifications', 'notification-channels')
// A robot's address is a credential to post into a group of staff: admins only.
@Roles('admin')
export class NotificationChannelsController {
  constructor(private readonly channels: NotificationChannelsService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Add a region’s group robot (WeCom or DingTalk)',
    description:
      'Alerts about cases of the region (and of its districts that have no robot of that type) are posted to the group. ' +
      'The address and the DingTalk signing secret are stored encrypted with NOTIFY_SECRET_KEY (409 NOTIFY_SECRET_KEY_MISSING when the server has none) ' +
      'and never returned: the response masks the address’s key or token and says `hasSecret`. The address must reach a public host.',
  })
  @ApiCreatedResponse({ type: NotificationChannelDto })
  @ApiProblems(400, 409)
  create(@Auth() auth: AuthContext, @Body() dto: CreateNotificationChannelDto) {
    return this.channels.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List group channels (live ones unless includeDeleted), by region, type and state' })
  @ApiOkResponse({ type: PageOf(NotificationChannelDto) })
  @ApiProblems(400)
  list(@Query() q: NotificationChannelQuery) {
    return this.channels.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One group channel (also when deleted); never its credentials' })
  @ApiOkResponse({ type: NotificationChannelDto })
  @ApiProblems(400, 404)
  get(@Param('id', UuidPipe) id: string) {
    return this.channels.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Rename, switch on or off, or replace the address or secret (`expectedVersion` required)',
    description: 'Absent fields keep their value. A stale expectedVersion gives 409 with currentVersion.',
  })
  @ApiOkResponse({ type: NotificationChannelDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateNotificationChannelDto) {
    return this.channels.update(auth, id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a group channel: nothing more is posted to it' })
  @ApiNoContentResponse({ description: 'Deleted (or already deleted)' })
  @ApiProblems(400, 404)
  async remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.channels.remove(auth, id);
  }
}
