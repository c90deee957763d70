import type { Db } from '../../common/sql';
import { execute, firstRow, rows, sql } from '../../common/sql';

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

/** A fault's reporter, and the customer's contact with the same mobile (the oldest), if any; none for a fault nobody reported by phone. */
export async function reporterOf(
  db: Db,
  faultId: string,
): Promise<{ name: string; mobile: string; customerId: string; contact: NoticeContact | null } | undefined> {
  const found = await firstRow<{ name: string; mobile: string; customer_id: string; contact: NoticeContact | null }>(
    db,
    sql`SELECT f.reporter_name AS name, f.reporter_mobile AS mobile, f.customer_id,
               (SELECT json_build_object('id', k.id, 'name', k.name, 'mobile', k.mobile,
                                         'notificationsOptOut', bool_or(k.notifications_opt_out) OVER ())
                  FROM customer_contacts k
                 WHERE k.customer_id = f.customer_id AND k.mobile = right(regexp_replace(f.reporter_mobile, '[^0-9]', '', 'g'), 11)
                 ORDER BY k.created_at, k.id LIMIT 1) AS contact
          FROM faults f WHERE f.id = ${faultId} AND f.reporter_mobile IS NOT NULL`,
  );
  return found && { name: found.name, mobile: found.mobile, customerId: found.customer_id, contact: found.contact };
}

/**
 * A mobile's contact among a customer's contacts (the oldest); opted out when
 * any contact with that mobile is (one person, several records).
 */
export async function contactByMobile(db: Db, customerId: string, mobile: string): Promise<NoticeContact | null> {
  const found = await firstRow<NoticeContact>(
    db,
    sql`SELECT k.id, k.name, k.mobile, bool_or(k.notifications_opt_out) OVER () AS "notificationsOptOut"
          FROM customer_contacts k
         WHERE k.customer_id = ${customerId} AND k.mobile = right(regexp_replace(${mobile}, '[^0-9]', '', 'g'), 11)
         ORDER BY k.created_at, k.id LIMIT 1`,
  );
  return found ?? null;
}

/** An order's contact: the customer's `primary` contact, else the oldest one. */
export async function orderContactOf(db: Db, customerId: string): Promise<NoticeContact | null> {
  const found = await firstRow<NoticeContact>(
    db,
    sql`SELECT k.id, k.name, k.mobile, k.notifications_opt_out AS "notificationsOptOut"
          FROM customer_contacts k
         WHERE k.customer_id = ${customerId}
         ORDER BY (k.role = 'primary') DESC, k.created_at, k.id LIMIT 1`,
  );
  return found ?? null;
}

/** The due time of a case's resolution clock (the committed time the customer is told), or null. */
export async function resolutionDueOf(db: Db, caseKind: string, caseId: string): Promise<Date | null> {
  const found = await firstRow<{ due_at: Date }>(
    db,
    sql`SELECT due_at FROM sla_clocks WHERE case_kind = ${caseKind} AND case_id = ${caseId} AND clock = 'resolution'`,
  );
  return found?.due_at ?? null;
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

/** The contact a call-back copied from its case (callbacks.contact_name, contact_mobile). */
export function contactOfCallback(db: Db, callbackId: string): Promise<{ name: string | null; mobile: string | null } | undefined> {
  return firstRow(db, sql`SELECT contact_name AS name, contact_mobile AS mobile FROM callbacks WHERE id = ${callbackId}`);
}
