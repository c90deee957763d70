import type { Db } from '../../common/sql';
import { execute, rows, sql } from '../../common/sql';

/*
 * What the customer notices read beyond their events (docs/ARCHITECTURE.md,
 * "Customer notices"): whom to tell (a fault's reporter matched against the
 * customer's contacts, an order's contact), the committed time, and the
 * timeline lines. Payloads never carry a mobile (they leave the system), so
 * the mobile is read here, in the relay's transaction.
 */

/** A contact as a notice needs it. */
export interface NoticeContact {
  id: string;
  name: string;
  mobile: string;
  notificationsOptOut: boolean;
}

/**
 * What one event needs read: a fault's reporter (and, for its acknowledgement,
 * its resolution clock's due time), a call-back's copied contact, or an
 * order's customer's contact.
 */
export interface NoticeLookup {
  of: 'fault' | 'callback' | 'order';
  /** The fault or call-back read (an order's payload says all but its contact). */
  id: string | null;
  customerId: string | null;
  withDue: boolean;
}

/** What was found for a lookup: `found` false when its fault or call-back is not there. */
export interface NoticeFound {
  found: boolean;
  /** The fault's reporter, or the contact the call-back copied from its case. */
  name: string | null;
  mobile: string | null;
  /**
   * The customer's contact it reaches: for a fault or call-back the oldest with
   * that mobile, opted out when any contact with that mobile is (one person,
   * several records); for an order the `primary` contact, else the oldest.
   */
  contact: NoticeContact | null;
  /** The due time of the fault's resolution clock (the committed time the customer is told). */
  dueAt: Date | null;
}

/** Every lookup of a batch in one statement (the relay's transaction is one connection), in their order. */
export async function noticeLookups(db: Db, lookups: NoticeLookup[]): Promise<NoticeFound[]> {
  if (!lookups.length) return [];
  const found = await rows<NoticeFound & { n: number }>(
    db,
    sql`SELECT x.n::int AS n,
               CASE x.wanted WHEN 'fault' THEN f.id IS NOT NULL WHEN 'callback' THEN cb.id IS NOT NULL ELSE true END AS found,
               coalesce(f.reporter_name, cb.contact_name) AS name, coalesce(f.reporter_mobile, cb.contact_mobile) AS mobile,
               CASE WHEN k.id IS NOT NULL
                    THEN json_build_object('id', k.id, 'name', k.name, 'mobile', k.mobile, 'notificationsOptOut', k.opt_out) END AS contact,
               CASE WHEN x.with_due THEN (SELECT s.due_at FROM sla_clocks s
                                           WHERE s.case_kind = 'fault' AND s.case_id = f.id AND s.clock = 'resolution' LIMIT 1) END AS "dueAt"
          FROM unnest(${lookups.map((l) => l.of)}::text[], ${lookups.map((l) => l.id)}::uuid[],
                      ${lookups.map((l) => l.customerId)}::uuid[], ${lookups.map((l) => l.withDue)}::boolean[])
               WITH ORDINALITY AS x(wanted, id, customer_id, with_due, n)
          LEFT JOIN faults f ON x.wanted = 'fault' AND f.id = x.id
          LEFT JOIN callbacks cb ON x.wanted = 'callback' AND cb.id = x.id
          LEFT JOIN LATERAL (
                SELECT k.id, k.name, k.mobile,
                       CASE WHEN x.wanted = 'order' THEN k.notifications_opt_out
                            ELSE bool_or(k.notifications_opt_out) OVER () END AS opt_out
                  FROM customer_contacts k
                 WHERE k.customer_id = CASE WHEN x.wanted = 'fault' THEN f.customer_id ELSE x.customer_id END
                   AND (x.wanted = 'order'
                        OR k.mobile = right(regexp_replace(coalesce(f.reporter_mobile, cb.contact_mobile), '[^0-9]', '', 'g'), 11))
                 ORDER BY CASE WHEN x.wanted = 'order' THEN k.role = 'primary' END DESC, k.created_at, k.id
                 LIMIT 1) k ON true
         ORDER BY x.n`,
  );
  return found.map(({ n: _n, ...f }) => f);
}

/** Timeline lines written by the system, many in one statement (the data already masked). */
export async function noticeLines(db: Db, lines: { kind: string; caseId: string; data: Record<string, unknown> }[]): Promise<void> {
  if (!lines.length) return;
  await execute(
    db,
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_name, data)
        SELECT k, id, 'customer_notice', 'system', d
          FROM unnest(${lines.map((l) => l.kind)}::text[], ${lines.map((l) => l.caseId)}::uuid[],
                      ${lines.map((l) => JSON.stringify(l.data))}::jsonb[]) AS x(k, id, d)`,
  );
}

/** The delivery ids of (event, recipient key) pairs just written or already there. */
export async function deliveryIdsOf(db: Db, keys: { eventId: string; recipientKey: string }[]): Promise<Map<string, string>> {
  if (!keys.length) return new Map();
  const found = await rows<{ id: string; event_id: string; recipient_key: string }>(
    db,
    sql`SELECT n.id, n.event_id, n.recipient_key FROM notification_deliveries n
          JOIN unnest(${keys.map((k) => k.eventId)}::uuid[], ${keys.map((k) => k.recipientKey)}::text[]) AS x(e, r)
            ON n.event_id = x.e AND n.recipient_key = x.r`,
  );
  return new Map(found.map((r) => [`${r.event_id}|${r.recipient_key}`, r.id]));
}
