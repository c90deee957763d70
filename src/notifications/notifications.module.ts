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
import { CustomerNotices } from './customer-notices/customer-notices';
import { AlertFanOut } from './pipeline/alert-fan-out';
import { DigestSender } from './pipeline/digest-sender';
import { AlertNotificationsController, NotificationDeliveriesController } from './pipeline/notification-deliveries.controller';
import { NotificationDeliveriesService } from './pipeline/notification-deliveries.service';
import { NotificationProcessor, SmsReceiptRecorder } from './pipeline/notification-processors';

/**
 * Notification channels (docs/ARCHITECTURE.md, "Notifications"): the
 * transports (WeCom and DingTalk robots, SMS over SMPP, e-mail over SMTP),
 * the regions' group channels and the message templates. Exported for the
 * delivery pipeline: ChannelTransports (send one message, its rate limit,
 * SMS receipts), NotificationChannelsService (a region's robots) and
 * NotificationTemplatesService (render). The delivery pipeline (pipeline/,
 * docs/ARCHITECTURE.md "Notification pipeline") turns SLA alerts into the
 * delivery log in the outbox relay's transaction and sends them on the
 * `notifications` queue (worker only); its log is read at
 * /notifications/deliveries and /alerts/{id}/notifications.
 */
@Module({})
export class NotificationsModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [TypeOrmModule.forFeature([NotificationChannel, NotificationTemplate])],
      controllers: [
        NotificationChannelsController,
        NotificationTemplatesController,
        NotificationDeliveriesController,
        AlertNotificationsController,
      ],
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
        NotificationDeliveriesService,
        // The delivery pipeline (pipeline/): the relay's consumers (alerts, customer notices), the sender, the sweep, SMS receipts.
        ...(worker ? [SmsSessionStarter, AlertFanOut, CustomerNotices, DigestSender, NotificationProcessor, SmsReceiptRecorder] : []),
      ],
      exports: [ChannelTransports, NotificationChannelsService, NotificationTemplatesService],
    };
  }
}
