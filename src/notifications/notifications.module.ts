import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ChannelTransports } from './channels/channel-transports.service';
import { DingtalkRobotTransport } from './channels/dingtalk-robot.transport';
import { EmailTransport } from './channels/email.transport';
import { RobotPoster } from './channels/robot-post';
import { SmsReceipts } from './channels/sms-receipts';
import { SmsSessionStarter } from './channels/sms-session-starter';
import { SmsTransport } from './channels/sms.transport';
import { WecomRobotTransport } from './channels/wecom-robot.transport';
import { NotificationChannel } from './notification-channel.entity';
import { NotificationChannelsController } from './notification-channels.controller';
import { NotificationChannelsService } from './notification-channels.service';
import { NotificationTemplate } from './notification-template.entity';
import { NotificationTemplatesController } from './notification-templates.controller';
import { NotificationTemplatesService } from './notification-templates.service';

/**
 * Notification channels (docs/ARCHITECTURE.md, "Notifications"): the
 * transports (WeCom and DingTalk robots, SMS over SMPP, e-mail over SMTP),
 * the regions' group channels and the message templates. Exported for the
 * delivery pipeline: ChannelTransports (send one message, its rate limit,
 * SMS receipts), NotificationChannelsService (a region's robots) and
 * NotificationTemplatesService (render).
 */
@Module({})
export class NotificationsModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [TypeOrmModule.forFeature([NotificationChannel, NotificationTemplate])],
      controllers: [NotificationChannelsController, NotificationTemplatesController],
      providers: [
        NotificationChannelsService,
        NotificationTemplatesService,
        RobotPoster,
        WecomRobotTransport,
        DingtalkRobotTransport,
        SmsReceipts,
        SmsTransport,
        EmailTransport,
        ChannelTransports,
        ...(worker ? [SmsSessionStarter] : []),
      ],
      exports: [ChannelTransports, NotificationChannelsService, NotificationTemplatesService],
    };
  }
}
