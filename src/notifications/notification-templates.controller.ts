import { Body, Get, Param, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiProblems, Auth, Roles, type AuthContext } from '../common/http/controller';
import { NotificationTemplateDto, UpdateNotificationTemplateDto } from './dto/notification-template.dto';
import { NotificationTemplatesService } from './notification-templates.service';
import { MESSAGE_CHANNELS, TEMPLATE_EVENT_TYPES } from './notifications.port';

const VARIABLES =
  'Variables of a case message: `customerName`, `caseNo`, `kindName` (故障, 订单…), `title`, `priority` (P1..P4), `regionName`, ' +
  '`dueAt` (e.g. 2026-12-01 17:30 (北京时间), or null), `link` (PUBLIC_BASE_URL + the case’s API path), `assigneeName` (or null), ' +
  '`level`, `levelName` (预警, 超时, 二级升级, 三级升级), `clockName` (响应, 处理) — the last three null outside sla.*. ' +
  'A digest has `count` and `items`, each item a case message’s variables plus `eventType` and `eventName`.';

@ApiErrors('NotificationError')
@ApiController('notifications', 'notification-templates')
@Roles('admin')
export class NotificationTemplatesController {
  constructor(private readonly templates: NotificationTemplatesService) {}

  @Get()
  @ApiOperation({
    summary: 'Every message template, per event type and channel',
    description: `Event types: ${TEMPLATE_EVENT_TYPES.join(', ')}; channels: ${MESSAGE_CHANNELS.join(', ')}. ${VARIABLES}`,
  })
  @ApiOkResponse({ type: [NotificationTemplateDto] })
  list() {
    return this.templates.list();
  }

  @Put(':eventType/:channel')
  @ApiOperation({
    summary: 'Replace a message template (Liquid)',
    description:
      'The template is compiled and rendered against sample messages before it is saved: a syntax error, an unknown variable or ' +
      'filter gives 400 with the engine’s message. Values are HTML-escaped in e-mail and kept from forming links, tags or mentions in ' +
      `robot markdown; templates run no code and read no files. Every process uses the new text within 5 seconds. ${VARIABLES}`,
  })
  @ApiOkResponse({ type: NotificationTemplateDto })
  @ApiProblems(400, 404, 409)
  update(
    @Auth() auth: AuthContext,
    @Param('eventType') eventType: string,
    @Param('channel') channel: string,
    @Body() dto: UpdateNotificationTemplateDto,
  ) {
    return this.templates.update(auth, eventType, channel, dto);
  }
}
