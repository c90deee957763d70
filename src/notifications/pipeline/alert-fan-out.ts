import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { CaseKind } from '../../cases/case-kind';
import { AppConfig } from '../../config/app-config';
import { EscalationService } from '../../escalations/escalation.service';
import type { Recipient } from '../../escalations/escalation-rules.port';
import type { OutboxConsumer, RelayedEvent } from '../../outbox/outbox-consumers.port';
import { OutboxService } from '../../outbox/outbox.service';
import { QueueName } from '../../queues/queue-names';
import type { AlertLevel, ClockName } from '../../sla/sla-levels.port';
import { ChannelTransports } from '../channels/channel-transports.service';
import { NotificationChannelsService } from '../notification-channels.service';
import type { GroupChannelTarget, NotificationEventType } from '../notifications.port';
import { GROUP_CHANNEL_MESSAGE } from '../notifications.port';
import type { DeliveryFacts, Mention } from './delivery-log.port';
import { recipientKey } from './delivery-log.port';
import type { AlertCase, NewDelivery } from './delivery-log.repository';
import { casesOfAlerts } from './delivery-log.repository';
import { writeDeliveries } from './delivery-writer';
import { smsHeldForQuietHours } from './quiet-hours';

/** The alert events the pipeline turns into messages. */
const ALERT_EVENTS = ['sla.warning', 'sla.breached', 'sla.escalated'] as const;

/** The fields of an `sla.*` payload the pipeline reads (src/alerts/alert-events.ts). */
interface AlertPayload {
  alertId: string;
  caseKind: CaseKind;
  caseId: string;
  caseNo: string;
  customerId: string | null;
  region: string;
  clock: ClockName;
  level: AlertLevel;
  dueAt: string;
  raisedAt: string;
  title: string;
  customerName: string | null;
  assigneeName: string | null;
}

/** A mainland mobile (SMS and DingTalk's atMobiles need one; a work phone may be a landline). */
const MOBILE = /^(?:\+?86)?(1[3-9][0-9]{9})$/;
export const mobileOf = (phone: string | null): string | null => (phone ? (MOBILE.exec(phone.replace(/[\s-]/g, ''))?.[1] ?? null) : null);

/**
 * Turns SLA alert events into the delivery log (docs/ARCHITECTURE.md,
 * "Notification pipeline"), inside the outbox relay's transaction, so each
 * event becomes its rows exactly once: whom the alert's level reaches by the
 * escalation policy (EscalationService.recipientsFor), on every channel they
 * can be reached on, each row joined to the open digest of its recipient
 * and channel (delivery-writer.ts). After commit, one job per new digest.
 */
@Injectable()
export class AlertFanOut implements OutboxConsumer {
  readonly name = 'notifications';
  readonly types = ALERT_EVENTS;
  private readonly logger = new Logger(AlertFanOut.name);

  constructor(
    outbox: OutboxService,
    private readonly escalation: EscalationService,
    private readonly channels: NotificationChannelsService,
    private readonly transports: ChannelTransports,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.notifications) private readonly queue: Queue,
  ) {
    outbox.addConsumer(this);
  }

  async consumeIn(em: EntityManager, events: RelayedEvent[]): Promise<(() => Promise<unknown>)[]> {
    const alerts = events.map((e) => ({ event: e, alert: e.data as unknown as AlertPayload }));
    const cases = await casesOfAlerts(
      em,
      alerts.map(({ alert }) => ({ kind: alert.caseKind, id: alert.caseId })),
    );
    const now = new Date();
    // Within one batch the same level of cases with the same people, raised at the same instant (the roster's
    // on-duty people are those of the alert's instant; one SLA drain shares it), reaches the same people: ask once.
    const recipientsMemo = new Map<string, Promise<Recipient[]>>();
    const groupsMemo = new Map<string, Promise<GroupChannelTarget[]>>();
    const rows: NewDelivery[] = [];
    for (const { event, alert } of alerts) {
      const found = cases.get(alert.caseId);
      if (!found) {
        this.logger.warn(`alert ${alert.alertId}: its case ${alert.caseNo} is not in case_index; nobody to notify`);
        continue;
      }
      const memoKey = [alert.level, alert.region, found.assigneeId, found.accountManagerId, alert.raisedAt].join('|');
      if (!recipientsMemo.has(memoKey)) {
        recipientsMemo.set(
          memoKey,
          this.escalation.recipientsFor(em, {
            level: alert.level,
            caseKind: alert.caseKind,
            caseId: alert.caseId,
            region: alert.region,
            customerId: alert.customerId,
            assigneeId: found.assigneeId,
            accountManagerId: found.accountManagerId,
            at: new Date(alert.raisedAt),
          }),
        );
      }
      // Sequential on purpose: the relay's transaction is one connection.
      const recipients = await recipientsMemo.get(memoKey)!;
      if (!groupsMemo.has(alert.region)) groupsMemo.set(alert.region, this.channels.groupChannelsFor(alert.region, undefined, em));
      const groups = await groupsMemo.get(alert.region)!;
      rows.push(...this.rowsOf(event, alert, found, recipients, groups, now));
    }

    return writeDeliveries(em, rows, this.config.notifications.pipeline, this.queue);
  }

  /** One alert's rows: each group robot of its region (mentioning the people it is for), each person's SMS and e-mail. */
  private rowsOf(
    event: RelayedEvent,
    alert: AlertPayload,
    found: AlertCase,
    recipients: Recipient[],
    groups: GroupChannelTarget[],
    now: Date,
  ): NewDelivery[] {
    const facts: DeliveryFacts = {
      eventType: event.type as NotificationEventType,
      caseKind: alert.caseKind,
      caseNo: alert.caseNo,
      customerName: alert.customerName ?? '',
      title: alert.title,
      priority: found.priority,
      region: alert.region,
      dueAt: alert.dueAt,
      assigneeName: alert.assigneeName,
      level: alert.level,
      clock: alert.clock,
    };
    const base = {
      eventId: event.id,
      eventType: event.type,
      alertId: alert.alertId,
      caseKind: alert.caseKind,
      caseId: alert.caseId,
      caseNo: alert.caseNo,
      region: alert.region,
      contactId: null,
      facts,
    };
    const rows: NewDelivery[] = [];
    const mentioned = new Set<string>();
    for (const group of groups) {
      const channel = GROUP_CHANNEL_MESSAGE[group.type];
      const mentions: Mention[] = recipients.flatMap((r) => {
        const mention =
          channel === 'wecom'
            ? r.wecomUserId
              ? { staffId: r.staffId, name: r.displayName, wecomUserId: r.wecomUserId }
              : null
            : r.dingtalkUserId || mobileOf(r.workPhone)
              ? { staffId: r.staffId, name: r.displayName, dingtalkUserId: r.dingtalkUserId, mobile: mobileOf(r.workPhone) }
              : null;
        if (mention) mentioned.add(r.staffId);
        return mention ? [mention] : [];
      });
      rows.push({
        ...base,
        recipientKind: 'group',
        recipientKey: recipientKey('group', group.channelId),
        staffId: null,
        groupChannelId: group.channelId,
        recipientName: group.name,
        address: null,
        mentions,
        channel,
        state: 'pending',
        suppressedReason: null,
        digestId: null,
      });
    }
    for (const r of recipients) {
      const person = {
        ...base,
        recipientKind: 'staff' as const,
        recipientKey: recipientKey('staff', r.staffId),
        staffId: r.staffId,
        groupChannelId: null,
        recipientName: r.displayName,
        mentions: [],
        digestId: null,
      };
      const mobile = mobileOf(r.workPhone);
      if (mobile) {
        const reason = !this.transports.isConfigured('sms')
          ? ('channel_not_configured' as const)
          : smsHeldForQuietHours(now, this.config.notifications.pipeline.quietHours, facts, found.greenChannel)
            ? ('quiet_hours' as const)
            : null;
        rows.push({ ...person, channel: 'sms', address: mobile, state: reason ? 'suppressed' : 'pending', suppressedReason: reason });
      }
      if (r.email) {
        const reason = this.transports.isConfigured('email') ? null : ('channel_not_configured' as const);
        rows.push({ ...person, channel: 'email', address: r.email, state: reason ? 'suppressed' : 'pending', suppressedReason: reason });
      }
      if (!mobile && !r.email && !mentioned.has(r.staffId)) {
        // Nobody can be told: the log says so instead of staying silent.
        rows.push({ ...person, channel: 'none', address: null, state: 'suppressed', suppressedReason: 'no_address' });
      }
    }
    return rows;
  }
}
