import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { AlertsService } from '../../alerts/alerts.service';
import { AuditService } from '../../common/audit/audit.service';
import type { AuthContext } from '../../common/auth/auth-context';
import { covers, scopePatterns } from '../../common/auth/region-scope';
import { maskMobile } from '../../common/masking';
import type { Page } from '../../common/pagination/page';
import { PostCommit } from '../../common/post-commit';
import { AppConfig } from '../../config/app-config';
import { QueueName } from '../../queues/queue-names';
import { NotificationError, NotificationErrorCode } from '../notifications.errors';
import type { DeliveryRow } from './delivery-log.repository';
import { deliveriesOfAlert, deliveryPage, lockDelivery, reviveDigest } from './delivery-log.repository';
import type { DeliveryQueryDto, NotificationDeliveryDto } from './dto/notification-delivery.dto';
import { enqueueDigests } from './notification-jobs';

/** A row as the API shows it: the address masked (a mobile), the mentions as staff ids. */
export function toDeliveryDto(r: DeliveryRow): NotificationDeliveryDto {
  return {
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    alertId: r.alert_id,
    caseKind: r.case_kind,
    caseId: r.case_id,
    caseNo: r.case_no,
    region: r.region,
    recipient: {
      kind: r.recipient_kind,
      staffId: r.staff_id,
      groupChannelId: r.group_channel_id,
      contactId: r.contact_id,
      name: r.recipient_name,
      address: r.address === null ? null : r.channel === 'sms' ? maskMobile(r.address) : r.address,
      mentionedStaffIds: r.mentions.map((m) => m.staffId),
    },
    channel: r.channel,
    state: r.state,
    suppressedReason: r.suppressed_reason,
    digestId: r.digest_id,
    digestSize: r.digest_size,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    error: r.last_error,
    providerMessageId: r.provider_message_id,
    receiptStatus: r.receipt_status,
    sentAt: r.sent_at,
    createdAt: r.created_at,
  };
}

/** The delivery log as people read it (docs/ARCHITECTURE.md, "Notification pipeline"): admins' list and retry, an alert's deliveries. */
@Injectable()
export class NotificationDeliveriesService {
  private readonly logger = new Logger(NotificationDeliveriesService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.notifications) private readonly queue: Queue,
    private readonly alerts: AlertsService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async list(auth: AuthContext, q: DeliveryQueryDto): Promise<Page<NotificationDeliveryDto>> {
    const { items, total } = await deliveryPage(this.dataSource.manager, {
      scope: scopePatterns(auth),
      state: q.state,
      channel: q.channel,
      alertId: q.alertId,
      limit: q.limit,
      offset: q.offset,
    });
    return { items: items.map(toDeliveryDto), total, limit: q.limit, offset: q.offset };
  }

  /** Whom an alert was sent to, on which channel, and the outcome; 404 for an alert outside the caller's regions. */
  async ofAlert(auth: AuthContext, alertId: string): Promise<NotificationDeliveryDto[]> {
    await this.alerts.get(auth, alertId);
    return (await deliveriesOfAlert(this.dataSource.manager, alertId)).map(toDeliveryDto);
  }

  /**
   * Sends a dead delivery again: its message (with every dead delivery it
   * carried) gets NOTIFY_MAX_ATTEMPTS more attempts, the first at once. 409
   * unless the delivery is dead; audited.
   */
  async retry(auth: AuthContext, id: string): Promise<NotificationDeliveryDto> {
    const post = new PostCommit();
    const retried = await this.dataSource.transaction(async (em) => {
      const row = await lockDelivery(em, id);
      if (!row || !covers(auth, row.region)) {
        throw new NotificationError(NotificationErrorCode.NOTIFICATION_DELIVERY_NOT_FOUND, `No notification delivery ${id}`);
      }
      const attempt =
        row.state === 'dead' && row.digest_id
          ? await reviveDigest(em, row.digest_id, this.config.notifications.pipeline.maxAttempts)
          : null;
      if (attempt === null) {
        throw new NotificationError(
          NotificationErrorCode.NOTIFICATION_DELIVERY_NOT_DEAD,
          `The notification delivery ${id} is ${row.state}; only a dead delivery can be retried`,
          { extensions: { state: row.state } },
        );
      }
      await this.audit.record(em, auth, {
        action: 'notification_delivery.retried',
        entity: 'notification_delivery',
        entityId: id,
        changes: { digestId: row.digest_id, channel: row.channel, caseNo: row.case_no, attempt },
        regions: [row.region],
      });
      const digestId = row.digest_id!;
      post.add(() =>
        enqueueDigests(this.queue, [{ data: { digestId, attempt } }]).catch((err: unknown) =>
          this.logger.warn({ err, digestId }, 'could not enqueue a retried notification; the sweep will'),
        ),
      );
      return toDeliveryDto((await lockDelivery(em, id))!);
    });
    await post.run();
    return retried;
  }
}
