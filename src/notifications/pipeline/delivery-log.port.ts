import type { CaseMessageFacts, MessageChannel, NotificationEventType } from '../notifications.port';

/*
 * The delivery log's vocabulary (docs/ARCHITECTURE.md, "Notification
 * pipeline"): the states of a delivery (one recipient, one channel, one
 * event) and of a digest (the message that carries one or more of them).
 */

/**
 * A delivery: `pending` (waiting for its digest's window or first attempt) →
 * `sent` | `failed` (an attempt failed, another is scheduled) | `dead` (the
 * last attempt failed, or a final refusal; an admin may retry it); `failed`
 * → `sent` | `failed` | `dead`; `dead` → `pending` (retried by an admin).
 * `suppressed` is final and never sent: see SUPPRESSED_REASONS.
 */
export const DELIVERY_STATES = ['pending', 'sent', 'failed', 'dead', 'suppressed'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A digest additionally has `sending`: claimed by a worker, under a lease. */
export type DigestState = 'pending' | 'sending' | 'sent' | 'failed' | 'dead';

/**
 * Why a delivery was recorded and not sent: `quiet_hours` (an SMS of a
 * non-P1, non-green-channel alert during NOTIFY_QUIET_HOURS), `no_address`
 * (the person has no channel the system can reach), `channel_not_configured`
 * (SMS or e-mail is not set up on the server), `opted_out` (a customer
 * contact's `notificationsOptOut`: customer-notices.ts).
 */
export const SUPPRESSED_REASONS = ['quiet_hours', 'no_address', 'channel_not_configured', 'opted_out'] as const;
export type SuppressedReason = (typeof SUPPRESSED_REASONS)[number];

/** Channels of the log: the message channels, and `none` for a person no channel reaches (suppressed, no_address). */
export const DELIVERY_CHANNELS = ['wecom', 'dingtalk', 'sms', 'email', 'none'] as const;
export type DeliveryChannel = MessageChannel | 'none';

/**
 * Who a delivery is for: a staff member, a region's group robot (mentioning
 * the staff it is for), a customer contact, or a fault's reporter who is none
 * of the customer's contacts (the customer notices, customer-notices.ts).
 */
export type RecipientKind = 'staff' | 'group' | 'contact' | 'reporter';

/** A person a group message mentions: WeCom by user id, DingTalk by user id or mobile. */
export interface Mention {
  staffId: string;
  name: string;
  wecomUserId?: string | null;
  dingtalkUserId?: string | null;
  mobile?: string | null;
}

/** What a delivery renders from: the case's facts and which template. */
export type DeliveryFacts = CaseMessageFacts & { eventType: NotificationEventType };

/** The key digests are gathered by: `staff:<id>`, `group:<channel id>`, `contact:<id>`. */
export const recipientKey = (kind: RecipientKind, id: string) => `${kind}:${id}`;
