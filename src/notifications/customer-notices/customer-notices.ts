import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bullmq';
import type { EntityManager } from 'typeorm';
import type { CaseKind } from '../../cases/case-kind';
import { maskMobile } from '../../common/masking';
import { AppConfig } from '../../config/app-config';
import type { EventType } from '../../outbox/event-types.port';
import type { OutboxConsumer, RelayedEvent } from '../../outbox/outbox-consumers.port';
import { OutboxService } from '../../outbox/outbox.service';
import { QueueName } from '../../queues/queue-names';
import { ChannelTransports } from '../channels/channel-transports.service';
import type { NotificationEventType } from '../notifications.port';
import { mobileOf } from '../pipeline/alert-fan-out';
import type { DeliveryFacts, SuppressedReason } from '../pipeline/delivery-log.port';
import type { NewDelivery } from '../pipeline/delivery-log.repository';
import { writeDeliveries } from '../pipeline/delivery-writer';
import { inQuietHours, quietHoursEnd } from '../pipeline/quiet-hours';
import type { NoticeContact, NoticeFound, NoticeLookup } from './customer-notices.repository';
import { deliveryIdsOf, noticeLines, noticeLookups } from './customer-notices.repository';

/** The outbox events a customer hears about (docs/ARCHITECTURE.md, "Customer notices"). */
const NOTICE_EVENTS = ['fault.created', 'fault.state_changed', 'callback.created', 'order.created', 'order.state_changed'] as const;

/** The fields of those payloads a notice reads (fault-events.ts, ticket-events.ts, order-events.ts, callback-events.ts). */
interface NoticePayload {
  faultId?: string;
  orderId?: string;
  callbackId?: string;
  caseKind?: CaseKind;
  caseId?: string;
  caseNo?: string;
  caseNumber?: string;
  customerId: string | null;
  region?: string;
  acceptedRegion?: string;
  priority: string;
  state?: string;
  to?: string;
  title: string | null;
  customerName: string | null;
  assigneeName: string | null;
  committedCompletionAt?: string;
  dueAt?: string;
}

/** One notice to write: which template, about which case, to whom. */
interface Notice {
  event: RelayedEvent;
  type: NotificationEventType;
  caseKind: CaseKind;
  caseId: string;
  caseNo: string;
  region: string;
  priority: number;
  facts: DeliveryFacts;
  /** The contact, or (a fault's reporter who is none of the customer's contacts) a name and mobile. */
  to: { contact: NoticeContact } | { reporter: { name: string; mobile: string | null } } | null;
}

/**
 * The customer kept informed (issue 13 point 5; docs/ARCHITECTURE.md,
 * "Customer notices"): an outbox consumer like AlertFanOut, writing the same
 * delivery log in the relay's transaction, so each (event, contact) becomes
 * one row exactly once and goes through the same digests, queue, rate limit,
 * retries and dead letters. What it adds: whom (the reporter of a fault or
 * complaint, matched to the customer's contacts by mobile; an order's primary
 * contact), opt-out, quiet hours held until they end (P1 excepted), and a
 * `customer_notice` line on the case's timeline for every row it writes (the
 * sender adds one per outcome: delivery-log.repository.ts,
 * customerNoticeOutcomeLines). Mobiles are masked in every line and log.
 */
@Injectable()
export class CustomerNotices implements OutboxConsumer {
  readonly name = 'customer-notices';
  readonly types: readonly EventType[] = NOTICE_EVENTS;
  private readonly logger = new Logger(CustomerNotices.name);

  constructor(
    outbox: OutboxService,
    private readonly transports: ChannelTransports,
    private readonly config: AppConfig,
    @InjectQueue(QueueName.notifications) private readonly queue: Queue,
  ) {
    outbox.addConsumer(this);
  }

  async consumeIn(em: EntityManager, events: RelayedEvent[]): Promise<(() => Promise<unknown>)[]> {
    // What each event needs read, all read in one statement, then each event's notice from what was found.
    const drafts = events.flatMap((event) => this.draftOf(event) ?? []);
    const found = await noticeLookups(
      em,
      drafts.map((d) => d.lookup),
    );
    const notices = drafts.flatMap((d, i) => d.finish(found[i]) ?? []);
    if (!notices.length) return [];

    const now = new Date();
    const { quietHours } = this.config.notifications.pipeline;
    const rows: (NewDelivery & { heldUntil: Date | null })[] = [];
    const lines: { kind: string; caseId: string; data: Record<string, unknown> }[] = [];
    for (const n of notices) {
      const base = {
        eventId: n.event.id,
        eventType: n.event.type,
        alertId: null,
        caseKind: n.caseKind,
        caseId: n.caseId,
        caseNo: n.caseNo,
        region: n.region,
        staffId: null,
        groupChannelId: null,
        mentions: [],
        digestId: null,
        facts: n.facts,
      };
      if (!n.to) {
        // An order of a customer without contacts: nobody to tell, and the case says so.
        lines.push({
          kind: n.caseKind,
          caseId: n.caseId,
          data: { notice: n.type, caseNo: n.caseNo, state: 'suppressed', reason: 'no_contact' },
        });
        continue;
      }
      const who =
        'contact' in n.to
          ? { recipientKind: 'contact' as const, contactId: n.to.contact.id, name: n.to.contact.name, mobile: n.to.contact.mobile }
          : { recipientKind: 'reporter' as const, contactId: null, name: n.to.reporter.name, mobile: n.to.reporter.mobile };
      const optedOut = 'contact' in n.to && n.to.contact.notificationsOptOut;
      const mobile = mobileOf(who.mobile);
      const reason: SuppressedReason | null = optedOut
        ? 'opted_out'
        : !mobile
          ? 'no_address'
          : !this.transports.isConfigured('sms')
            ? 'channel_not_configured'
            : null;
      // Quiet hours hold a customer's SMS until they end (a message at 08:00 beats none); P1 goes at once.
      const heldUntil = !reason && n.priority !== 1 && inQuietHours(now, quietHours) ? quietHoursEnd(now, quietHours) : null;
      rows.push({
        ...base,
        recipientKind: who.recipientKind,
        // One key per notice: a customer's notices are never merged into a staff digest (an acknowledgement and a
        // resolution a minute apart are two messages), and the key still makes (event, contact) unique.
        recipientKey: `${who.recipientKind}:${who.contactId ?? n.caseId}:${n.event.id}`,
        contactId: who.contactId,
        recipientName: who.name,
        address: mobile ?? who.mobile,
        channel: mobile ? 'sms' : 'none',
        state: reason ? 'suppressed' : 'pending',
        suppressedReason: reason,
        heldUntil,
      });
    }

    // An event already turned into its rows (relayed again after a crash, or by hand) adds nothing.
    const existing = await deliveryIdsOf(
      em,
      rows.map((r) => ({ eventId: r.eventId, recipientKey: r.recipientKey })),
    );
    // … and an event handed twice in one batch, once.
    const seen = new Set(existing.keys());
    const fresh = rows.filter((r) => {
      const key = `${r.eventId}|${r.recipientKey}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    const afterCommit = await writeDeliveries(em, fresh, this.config.notifications.pipeline, this.queue);
    const ids = await deliveryIdsOf(
      em,
      fresh.map((r) => ({ eventId: r.eventId, recipientKey: r.recipientKey })),
    );
    for (const r of fresh) {
      const masked = r.address ? maskMobile(r.address) : null;
      const state = r.state === 'suppressed' ? 'suppressed' : r.heldUntil ? 'held' : 'queued';
      lines.push({
        kind: r.caseKind,
        caseId: r.caseId,
        data: {
          deliveryId: ids.get(`${r.eventId}|${r.recipientKey}`) ?? null,
          notice: r.facts.eventType,
          caseNo: r.caseNo,
          channel: r.channel,
          state,
          ...(r.suppressedReason ? { reason: r.suppressedReason } : {}),
          ...(r.heldUntil ? { heldUntil: r.heldUntil.toISOString() } : {}),
          to: masked,
          recipientName: r.recipientName,
        },
      });
      this.logger.log(`customer notice ${r.facts.eventType} for ${r.caseNo} to ${masked ?? 'nobody'}: ${state}`);
    }
    await noticeLines(em, lines);
    return afterCommit;
  }

  /**
   * What an event needs read and how its notice is made from it, or null (a
   * move that is not news to the customer); `finish` answers null when what
   * it needed is not there.
   */
  private draftOf(event: RelayedEvent): { lookup: NoticeLookup; finish: (found: NoticeFound) => Notice | null } | null {
    const p = event.data as unknown as NoticePayload;
    const priority = Number(String(p.priority).replace(/^P/, ''));
    const facts = (type: NotificationEventType, kind: CaseKind, caseNo: string, region: string, dueAt: Date | string | null) => ({
      eventType: type,
      caseKind: kind,
      caseNo,
      customerName: p.customerName ?? '',
      title: p.title ?? '',
      priority,
      region,
      dueAt: dueAt instanceof Date ? dueAt.toISOString() : dueAt,
      assigneeName: p.assigneeName,
    });
    switch (event.type) {
      case 'fault.created':
      case 'fault.state_changed': {
        // A fault is born acknowledged (src/cases/ticket-lifecycle.ts); resolved is the move to `resolved`.
        const type = event.type === 'fault.created' ? 'fault.acknowledged' : p.to === 'resolved' ? 'fault.resolved' : null;
        const { faultId, caseNo, region } = p;
        if (!type || !faultId || !caseNo || !region) return null;
        return {
          lookup: { of: 'fault', id: faultId, customerId: null, withDue: type === 'fault.acknowledged' },
          // An unlinked fault opened by network monitoring has no reporter: nobody to tell.
          finish: (reporter) =>
            reporter.found && reporter.mobile
              ? {
                  event,
                  type,
                  caseKind: 'fault',
                  caseId: faultId,
                  caseNo,
                  region,
                  priority,
                  facts: facts(type, 'fault', caseNo, region, reporter.dueAt),
                  to: reporter.contact
                    ? { contact: reporter.contact }
                    : { reporter: { name: reporter.name ?? '', mobile: reporter.mobile } },
                }
              : null,
        };
      }
      case 'callback.created': {
        // Told on the case called back about (its number, its timeline); the call-back copied the case's contact.
        const { caseKind, caseId, caseNumber, region, customerId } = p;
        if (!caseKind || !caseId || !caseNumber || !region || !customerId) return null;
        return {
          lookup: { of: 'callback', id: p.callbackId ?? null, customerId, withDue: false },
          finish: (callback) =>
            callback.mobile
              ? {
                  event,
                  type: 'callback.due',
                  caseKind,
                  caseId,
                  caseNo: caseNumber,
                  region,
                  priority,
                  facts: facts('callback.due', caseKind, caseNumber, region, p.dueAt ?? null),
                  to: callback.contact
                    ? { contact: callback.contact }
                    : { reporter: { name: callback.name ?? '', mobile: callback.mobile } },
                }
              : null,
        };
      }
      case 'order.created':
      case 'order.state_changed': {
        const type = event.type === 'order.created' ? 'order.accepted' : p.to === 'completed' ? 'order.completed' : null;
        const { orderId, caseNo, acceptedRegion, customerId } = p;
        if (!type || !orderId || !caseNo || !acceptedRegion || !customerId) return null;
        return {
          lookup: { of: 'order', id: null, customerId, withDue: false },
          finish: ({ contact }) => ({
            event,
            type,
            caseKind: 'order',
            caseId: orderId,
            caseNo,
            region: acceptedRegion,
            priority,
            facts: facts(type, 'order', caseNo, acceptedRegion, type === 'order.accepted' ? (p.committedCompletionAt ?? null) : null),
            to: contact ? { contact } : null,
          }),
        };
      }
      default:
        return null;
    }
  }
}
