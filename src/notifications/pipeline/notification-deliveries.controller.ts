import { Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiErrors, ApiProblems, Auth, PageOf, Roles, UuidPipe, type AuthContext } from '../../common/http/controller';
import { DeliveryQueryDto, NotificationDeliveryDto } from './dto/notification-delivery.dto';
import { NotificationDeliveriesService } from './notification-deliveries.service';

@ApiErrors('NotificationError')
@ApiController('notifications', 'notifications/deliveries')
// The log names people, addresses and errors of every region's alerts: admins only.
@Roles('admin')
export class NotificationDeliveriesController {
  constructor(private readonly deliveries: NotificationDeliveriesService) {}

  @Get()
  @ApiOperation({
    summary: 'The notification delivery log, newest first, by state, channel and alert',
    description:
      'One row per (event, recipient, channel): whom each alert was sent to, on which channel, and the outcome. ' +
      'Dead deliveries (every attempt failed, or the channel refused for good) are listed with `state=dead`.',
  })
  @ApiOkResponse({ type: PageOf(NotificationDeliveryDto) })
  @ApiProblems(400)
  list(@Auth() auth: AuthContext, @Query() q: DeliveryQueryDto) {
    return this.deliveries.list(auth, q);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a dead delivery again (audited)',
    description:
      'The message that carried it, with every dead delivery in it, gets NOTIFY_MAX_ATTEMPTS more attempts, the first at once; ' +
      'the answer shows it pending. 409 NOTIFICATION_DELIVERY_NOT_DEAD unless it is dead.',
  })
  @ApiOkResponse({ type: NotificationDeliveryDto })
  @ApiProblems(400, 404, 409)
  retry(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.deliveries.retry(auth, id);
  }
}

@ApiErrors('AlertError')
@ApiController('alerts', 'alerts')
export class AlertNotificationsController {
  constructor(private readonly deliveries: NotificationDeliveriesService) {}

  @Get(':id/notifications')
  @ApiOperation({
    summary: 'Whom an alert was sent to, on which channel, and the outcome (any role, in the caller’s regions)',
    description: 'Mobiles are masked. A suppressed entry says why (quiet hours, no address, channel not configured).',
  })
  @ApiOkResponse({ type: [NotificationDeliveryDto] })
  @ApiProblems(400, 404)
  ofAlert(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.deliveries.ofAlert(auth, id);
  }
}
