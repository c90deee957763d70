import type { CaseKind } from '../cases/case-kind';
import type { AlertLevel, ClockName } from '../sla/sla-levels.port';

/**
 * What the notifications module offers the rest of the code (and the
 * delivery pipeline built on it): the channels, the messages a transport
 * sends, their outcomes, delivery receipts, and what a template is rendered
 * from. docs/ARCHITECTURE.md, "Notifications".
 */

/** The channels a transport sends on and a template is written for. */
export const MESSAGE_CHANNELS = ['wecom', 'dingtalk', 'sms', 'email'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

/** The group channels a region can configure: a robot in a WeCom or DingTalk group. */
export const GROUP_CHANNEL_TYPES = ['wecom_robot', 'dingtalk_robot'] as const;
export type GroupChannelType = (typeof GROUP_CHANNEL_TYPES)[number];

/** The message channel a group channel type posts on. */
export const GROUP_CHANNEL_MESSAGE: Record<GroupChannelType, MessageChannel> = { wecom_robot: 'wecom', dingtalk_robot: 'dingtalk' };

/** What a message can be about: one template per type and channel. */
export const NOTIFICATION_EVENT_TYPES = [
  'sla.warning',
  'sla.breached',
  'sla.escalated',
  'fault.acknowledged',
  'fault.resolved',
  'order.accepted',
  'order.completed',
  // a customer notice: a call-back will come, by when (src/notifications/customer-notices)
  'callback.due',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

/** The template types: every event type, and `digest` (many alerts merged into one message). */
export const TEMPLATE_EVENT_TYPES = [...NOTIFICATION_EVENT_TYPES, 'digest'] as const;
export type TemplateEventType = (typeof TEMPLATE_EVENT_TYPES)[number];

/** At most `max` messages per `perMs` milliseconds. */
export interface RateLimit {
  max: number;
  perMs: number;
}

/** A limit and what it counts: messages with the same key share it (one robot, one SMSC). */
export interface KeyedRateLimit extends RateLimit {
  key: string;
}

/**
 * The documented limits of the group robots: 20 messages a minute per robot
 * (WeCom answers the 21st with errcode 45009; DingTalk with 130101 and
 * mutes the robot for 10 minutes). The transports do not queue: the caller
 * keeps to these (see ChannelTransports.rateLimitOf).
 */
export const ROBOT_RATE_LIMIT: RateLimit = { max: 20, perMs: 60_000 };

/** A robot to post to: a group channel's configuration with its credentials decrypted (never logged, never returned). */
export interface RobotTarget {
  /** The group channel's id (notification_channels.id): the rate limit's key. */
  channelId: string;
  webhookUrl: string;
  /** DingTalk's signing secret (SEC…); null for WeCom. */
  secret: string | null;
}

/** A WeCom group robot message (`msgtype: markdown`); `mentionUserIds` become `<@userid>` at its end. */
export interface WecomMessage {
  channel: 'wecom';
  robot: RobotTarget;
  markdown: string;
  mentionUserIds?: string[];
}

/** A DingTalk custom robot message (`msgtype: markdown`): the title is what the notification preview shows. */
export interface DingtalkMessage {
  channel: 'dingtalk';
  robot: RobotTarget;
  title: string;
  markdown: string;
  atMobiles?: string[];
  atUserIds?: string[];
}

/** One SMS to a mainland mobile (11 digits, or with +86 / 86 before them). */
export interface SmsMessage {
  channel: 'sms';
  to: string;
  text: string;
}

/** One e-mail; `html`, when given, is the main body and `text` its plain alternative. */
export interface EmailMessage {
  channel: 'email';
  to: string[];
  subject: string;
  text: string;
  html?: string;
}

export type ChannelMessage = WecomMessage | DingtalkMessage | SmsMessage | EmailMessage;

/** What became of one send. A transport never throws: every failure is an outcome. */
export interface SendOutcome {
  /** The channel took the message (the robot answered errcode 0, the SMSC every segment, the relay every recipient). */
  accepted: boolean;
  /** The provider's id for it: SMS, the first segment's message_id; e-mail, the Message-ID. */
  providerMessageId?: string;
  /** SMS: every segment's message_id in order (delivery receipts name these, one per segment). */
  providerMessageIds?: string[];
  /** Why it was not accepted, for the delivery log (never a credential). */
  error?: string;
  /** Sending again later may succeed (rate limited, busy, network, timeout); false: it would fail the same way. */
  retryable: boolean;
}

/** One transport: sends ONE message and reports the outcome; it never queues beyond what its protocol needs. */
export interface ChannelTransport<M extends ChannelMessage = ChannelMessage> {
  readonly channel: M['channel'];
  /** Whether the channel is configured in this process (SMPP_URL, SMTP_HOST; robots always are). */
  readonly configured: boolean;
  send(message: M): Promise<SendOutcome>;
  /** The limit this message counts against, or null when the channel has none to keep. */
  rateLimitOf(message: M): KeyedRateLimit | null;
}

/** A delivery receipt from the SMSC (deliver_sm with esm_class "MC delivery receipt"), one per segment. */
export interface SmsDeliveryReceipt {
  /** The message_id the SMSC gave the segment in its submit_sm_resp. */
  messageId: string;
  status: 'delivered' | 'failed';
  /** The receipt's own state word: DELIVRD, EXPIRED, DELETED, UNDELIV, REJECTD, UNKNOWN… */
  stat: string;
  /** The receipt's network error code, when it gives one other than 000. */
  errorCode?: string;
  /** When the SMSC says the segment reached its final state. */
  doneAt?: Date;
  /** The mobile the segment went to, masked (138****5678). */
  to?: string;
}

/**
 * Called for every receipt, before the SMSC is answered: if it throws, the
 * SMSC is told to try the receipt again later (ESME_RX_T_APPN), so a receipt
 * is never acknowledged without being recorded.
 */
export type SmsReceiptHandler = (receipt: SmsDeliveryReceipt) => Promise<void> | void;

/** The facts of one case a message is about; the renderer turns them into template variables. */
export interface CaseMessageFacts {
  caseKind: CaseKind;
  caseNo: string;
  customerName: string;
  title: string;
  /** 1..4 (shown as P1..P4). */
  priority: number;
  /** GB/T 2260 code of the case's region (shown by name). */
  region: string;
  /** The due time the message is about (the clock's, or the committed time); shown in China time. */
  dueAt: Date | string | null;
  assigneeName: string | null;
  /** sla.* messages: the alert level and the clock. */
  level?: AlertLevel | null;
  clock?: ClockName | null;
}

/** A digest: alerts for one recipient on one channel within a window, merged into one message. */
export interface DigestMessageFacts {
  items: (CaseMessageFacts & { eventType: NotificationEventType })[];
}

/** A rendered template: `subject` for e-mail (and the DingTalk title), `html` for e-mail only. */
export interface RenderedMessage {
  subject?: string;
  text: string;
  html?: string;
}

/** A region's robot, as the pipeline needs it to send: its credentials decrypted. */
export interface GroupChannelTarget extends RobotTarget {
  region: string;
  type: GroupChannelType;
  name: string;
}
