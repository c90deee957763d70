import { CASE_NAME_COLUMNS, CASE_NAME_JOINS } from '../../cases/case-names.repository';
import type { Db } from '../../common/sql';
import { empty, execute, firstRow, join, rows, sql } from '../../common/sql';
import type { MessageChannel } from '../notifications.port';
import type {
  DeliveryChannel,
  DeliveryFacts,
  DeliveryState,
  DigestState,
  Mention,
  RecipientKind,
  SuppressedReason,
} from './delivery-log.port';

/*
 * SQL of the delivery log (docs/ARCHITECTURE.md, "Notification pipeline").
 * Everything that decides "sent once" is a guarded statement here.
 */

/** What the fan-out needs of an alert's case beyond its event: who holds it, its account manager, its green channel. */
export interface AlertCase {
  id: string;
  assigneeId: string | null;
  accountManagerId: string | null;
  greenChannel: boolean;
  priority: number;
}

export async function casesOfAlerts(db: Db, refs: { kind: string; id: string }[]): Promise<Map<string, AlertCase>> {
  if (!refs.length) return new Map();
  const found = await rows<{
    id: string;
    assignee_id: string | null;
    account_manager_id: string | null;
    green_channel: boolean;
    priority: number;
  }>(
    db,
    sql`SELECT ci.id, ci.assignee_id, ci.green_channel, ${CASE_NAME_COLUMNS}
          FROM unnest(${refs.map((r) => r.kind)}::text[], ${refs.map((r) => r.id)}::uuid[]) AS k(kind, id)
          JOIN case_index ci ON ci.kind = k.kind AND ci.id = k.id
          ${CASE_NAME_JOINS}`,
  );
  return new Map(
    found.map((r) => [
      r.id,
      {
        id: r.id,
        assigneeId: r.assignee_id,
        accountManagerId: r.account_manager_id,
        greenChannel: r.green_channel,
        priority: Number(r.priority),
      },
    ]),
  );
}

/** A delivery row as the fan-out writes it. */
export interface NewDelivery {
  eventId: string;
  eventType: string;
  alertId: string | null;
  caseKind: string;
  caseId: string;
  caseNo: string;
  region: string;
  recipientKind: RecipientKind;
  recipientKey: string;
  staffId: string | null;
  groupChannelId: string | null;
  contactId: string | null;
  recipientName: string;
  address: string | null;
  mentions: Mention[];
  channel: DeliveryChannel;
  state: 'pending' | 'suppressed';
  suppressedReason: SuppressedReason | null;
  digestId: string | null;
  facts: DeliveryFacts;
}

/**
 * The open digest of each (recipient, channel), opened where there is none:
 * a new one is due at once when the recipient had no message on the channel
 * within the window, else one window after the last one's first attempt.
 * Locked for the caller's transaction (a sender claiming it waits, then sees
 * the rows joined to it). Keys whose open digest was claimed in between are
 * tried again. Returns key → digest, and which digests are new (their job
 * must be added). `notBefore` holds a new digest back (a customer notice
 * held for the end of the quiet hours).
 */
export async function openDigests(
  db: Db,
  keys: { recipientKey: string; channel: MessageChannel; notBefore?: Date | null }[],
  windowMs: number,
  maxAttempts: number,
): Promise<{ byKey: Map<string, { id: string; sendAt: Date }>; created: { id: string; sendAt: Date }[] }> {
  const byKey = new Map<string, { id: string; sendAt: Date }>();
  const created: { id: string; sendAt: Date }[] = [];
  let missing = [...new Map(keys.map((k) => [`${k.recipientKey}|${k.channel}`, k])).values()].sort((a, b) =>
    `${a.recipientKey}|${a.channel}` < `${b.recipientKey}|${b.channel}` ? -1 : 1,
  );
  for (let round = 0; missing.length && round < 5; round++) {
    const recipientKeys = missing.map((k) => k.recipientKey);
    const channels = missing.map((k) => k.channel);
    const notBefore = missing.map((k) => k.notBefore?.toISOString() ?? null);
    const inserted = await rows<{ id: string; recipient_key: string; channel: string; send_at: Date }>(
      db,
      sql`INSERT INTO notification_digests (recipient_key, channel, send_at, next_attempt_at, max_attempts)
          SELECT k.recipient_key, k.channel, s.at, s.at, ${maxAttempts}
            FROM unnest(${recipientKeys}::text[], ${channels}::text[]) WITH ORDINALITY AS k(recipient_key, channel, n)
            CROSS JOIN LATERAL (
              SELECT greatest(now(), coalesce(max(d.first_attempt_at) + make_interval(secs => ${windowMs / 1000}), now()),
                              (${notBefore}::timestamptz[])[k.n]) AS at
                FROM notification_digests d
               WHERE d.recipient_key = k.recipient_key AND d.channel = k.channel AND d.first_attempt_at IS NOT NULL) s
           ORDER BY k.n
          ON CONFLICT (recipient_key, channel) WHERE state = 'pending' AND attempts = 0 DO NOTHING
          RETURNING id, recipient_key, channel, send_at`,
    );
    for (const d of inserted) created.push({ id: d.id, sendAt: d.send_at });
    const open = await rows<{ id: string; recipient_key: string; channel: string; send_at: Date }>(
      db,
      sql`SELECT d.id, d.recipient_key, d.channel, d.send_at FROM notification_digests d
           WHERE d.state = 'pending' AND d.attempts = 0
             AND (d.recipient_key, d.channel) IN (SELECT * FROM unnest(${recipientKeys}::text[], ${channels}::text[]))
           ORDER BY d.recipient_key, d.channel
             FOR UPDATE`,
    );
    for (const d of open) byKey.set(`${d.recipient_key}|${d.channel}`, { id: d.id, sendAt: d.send_at });
    missing = missing.filter((k) => !byKey.has(`${k.recipientKey}|${k.channel}`));
  }
  if (missing.length) throw new Error(`could not open a digest for ${missing.length} recipients; the relay will try again`);
  return { byKey, created };
}

/** The rows, in one statement; a row already there (same event, recipient, channel) is left as it is. */
export async function insertDeliveries(db: Db, deliveries: NewDelivery[]): Promise<number> {
  if (!deliveries.length) return 0;
  const json = JSON.stringify(
    deliveries.map((d) => ({
      event_id: d.eventId,
      event_type: d.eventType,
      alert_id: d.alertId,
      case_kind: d.caseKind,
      case_id: d.caseId,
      case_no: d.caseNo,
      region: d.region,
      recipient_kind: d.recipientKind,
      recipient_key: d.recipientKey,
      staff_id: d.staffId,
      group_channel_id: d.groupChannelId,
      contact_id: d.contactId,
      recipient_name: d.recipientName,
      address: d.address,
      mentions: d.mentions,
      channel: d.channel,
      state: d.state,
      suppressed_reason: d.suppressedReason,
      digest_id: d.digestId,
      facts: d.facts,
    })),
  );
  const inserted = await rows<{ id: string }>(
    db,
    sql`INSERT INTO notification_deliveries (event_id, event_type, alert_id, case_kind, case_id, case_no, region, recipient_kind,
          recipient_key, staff_id, group_channel_id, contact_id, recipient_name, address, mentions, channel, state,
          suppressed_reason, digest_id, facts)
        SELECT r.event_id, r.event_type, r.alert_id, r.case_kind, r.case_id, r.case_no, r.region, r.recipient_kind,
               r.recipient_key, r.staff_id, r.group_channel_id, r.contact_id, r.recipient_name, r.address, r.mentions, r.channel, r.state,
               r.suppressed_reason, r.digest_id, r.facts
          FROM jsonb_to_recordset(${json}::jsonb) AS r(event_id uuid, event_type text, alert_id uuid, case_kind text, case_id uuid,
               case_no text, region text, recipient_kind text, recipient_key text, staff_id uuid, group_channel_id uuid,
               contact_id uuid, recipient_name text, address text, mentions jsonb, channel text, state text,
               suppressed_reason text, digest_id uuid, facts jsonb)
        ON CONFLICT (event_id, recipient_key, channel) DO NOTHING
        RETURNING id`,
  );
  return inserted.length;
}

export interface DigestRow {
  id: string;
  recipient_key: string;
  channel: MessageChannel;
  state: DigestState;
  send_at: Date;
  attempts: number;
  max_attempts: number;
  next_attempt_at: Date;
  /** Milliseconds until next_attempt_at, by PostgreSQL's clock (negative: due). */
  wait_ms: number;
}

/** A digest, locked for the caller's transaction (or only read, `lock` false). */
export function lockDigest(db: Db, id: string, lock = true): Promise<DigestRow | undefined> {
  return firstRow<DigestRow>(
    db,
    sql`SELECT id, recipient_key, channel, state, send_at, attempts, max_attempts, next_attempt_at,
               (extract(epoch FROM next_attempt_at - clock_timestamp()) * 1000)::float8 AS wait_ms
          FROM notification_digests WHERE id = ${id} ${lock ? sql`FOR UPDATE` : empty}`,
  );
}

export interface DigestDelivery {
  id: string;
  recipient_kind: RecipientKind;
  staff_id: string | null;
  group_channel_id: string | null;
  recipient_name: string;
  address: string | null;
  mentions: Mention[];
  facts: DeliveryFacts;
}

/** The deliveries a digest's next attempt carries, oldest first. */
export function deliveriesToSend(db: Db, digestId: string): Promise<DigestDelivery[]> {
  return rows<DigestDelivery>(
    db,
    sql`SELECT id, recipient_kind, staff_id, group_channel_id, recipient_name, address, mentions, facts
          FROM notification_deliveries WHERE digest_id = ${digestId} AND state IN ('pending', 'failed')
         ORDER BY created_at, id`,
  );
}

/**
 * How long until the limit `key` has room for one more message: 0 when it has
 * room now. Counts the attempts that started within the period (plus a
 * margin for the time a message takes to reach the provider, whose own
 * count starts when it receives it). The caller holds the key's advisory
 * lock, so two workers cannot both take the last slot.
 */
export async function rateLimitWaitMs(db: Db, key: string, max: number, limitPerMs: number): Promise<number> {
  const perMs = limitPerMs + Math.min(1000, limitPerMs / 10);
  await execute(db, sql`SELECT pg_advisory_xact_lock(hashtextextended(${`notify-rate:${key}`}, 0))`);
  const row = await firstRow<{ n: number; wait_ms: number | null }>(
    db,
    sql`WITH recent AS (
          SELECT started_at FROM notification_digest_attempts
           WHERE rate_key = ${key} AND started_at > clock_timestamp() - make_interval(secs => ${perMs / 1000})
           ORDER BY started_at DESC LIMIT ${max})
        SELECT count(*)::int AS n,
               (extract(epoch FROM min(started_at) + make_interval(secs => ${perMs / 1000}) - clock_timestamp()) * 1000)::float8 AS wait_ms
          FROM recent`,
  );
  if (!row || row.n < max) return 0;
  return Math.max(1, Math.ceil(row.wait_ms ?? perMs));
}

/** Moves a digest's next attempt to later (a rate limit's wait), without counting an attempt. */
export async function postpone(db: Db, id: string, waitMs: number): Promise<void> {
  await execute(
    db,
    sql`UPDATE notification_digests SET next_attempt_at = clock_timestamp() + make_interval(secs => ${waitMs / 1000}) WHERE id = ${id}`,
  );
}

/** Claims attempt `attempt` under a lease, records it (with its rate-limit key), and counts it on the rows. */
export async function claimAttempt(db: Db, id: string, attempt: number, rateKey: string | null, leaseMs: number): Promise<void> {
  await execute(
    db,
    sql`UPDATE notification_digests
           SET attempts = ${attempt}, state = 'sending', lease_until = clock_timestamp() + make_interval(secs => ${leaseMs / 1000}),
               first_attempt_at = coalesce(first_attempt_at, clock_timestamp())
         WHERE id = ${id}`,
  );
  await execute(db, sql`INSERT INTO notification_digest_attempts (digest_id, attempt, rate_key) VALUES (${id}, ${attempt}, ${rateKey})`);
  await execute(
    db,
    sql`UPDATE notification_deliveries SET attempts = ${attempt}, updated_at = now() WHERE digest_id = ${id} AND state IN ('pending', 'failed')`,
  );
}

export type AttemptResult =
  | { state: 'sent'; providerMessageId: string | null; providerMessageIds: string[] | null }
  | { state: 'failed'; error: string; retryInMs: number }
  | { state: 'dead'; error: string };

/**
 * Records what became of attempt `attempt`, if it is still this worker's
 * (state `sending`, same attempt): false when the lease ran out and the sweep
 * already counted it as in doubt. The digest, its rows and the attempt in
 * one transaction (the caller's).
 */
export async function recordAttempt(db: Db, id: string, attempt: number, result: AttemptResult): Promise<boolean> {
  const digestState: DigestState = result.state;
  const error = result.state === 'sent' ? null : result.error;
  const updated = await rows<{ id: string }>(
    db,
    sql`UPDATE notification_digests
           SET state = ${digestState}, lease_until = NULL, last_error = ${error},
               ${
                 result.state === 'sent'
                   ? sql`sent_at = clock_timestamp(), provider_message_ids = ${result.providerMessageIds}::text[]`
                   : result.state === 'failed'
                     ? sql`next_attempt_at = clock_timestamp() + make_interval(secs => ${result.retryInMs / 1000})`
                     : sql`next_attempt_at = clock_timestamp()`
               }
         WHERE id = ${id} AND attempts = ${attempt} AND state = 'sending'
        RETURNING id`,
  );
  if (!updated.length) return false;
  await settleAttempts(db, [
    {
      digestId: id,
      attempt,
      outcome: result.state === 'sent' ? 'accepted' : 'failed',
      rowState: result.state,
      error,
      attemptError: error,
      providerMessageId: result.state === 'sent' ? result.providerMessageId : null,
    },
  ]);
  // Receipts that came before this record (the SMSC answers fast).
  if (result.state === 'sent' && result.providerMessageIds?.length) await applyReceipts(db, id);
  return true;
}

/**
 * Attempts whose lease ran out (the worker died or hung between claiming and
 * recording): the message may or may not have left. Marked `in_doubt` and
 * scheduled again (nothing lost; a double is possible only for these, and the
 * log says which), or dead when it was the last attempt.
 */
export async function expireLeases(db: Db, limit: number): Promise<{ id: string; attempts: number }[]> {
  const expired = await rows<{ id: string; attempts: number; state: DigestState }>(
    db,
    sql`UPDATE notification_digests d
           SET state = CASE WHEN d.attempts >= d.max_attempts THEN 'dead' ELSE 'failed' END,
               lease_until = NULL, next_attempt_at = clock_timestamp(),
               last_error = 'in doubt: the worker was lost while sending attempt ' || d.attempts
         WHERE d.id IN (SELECT id FROM notification_digests WHERE state = 'sending' AND lease_until < clock_timestamp()
                         ORDER BY lease_until LIMIT ${limit} FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.attempts, d.state`,
  );
  if (!expired.length) return [];
  await settleAttempts(
    db,
    expired.map((e) => ({
      digestId: e.id,
      attempt: e.attempts,
      outcome: 'in_doubt' as const,
      rowState: e.state as 'failed' | 'dead',
      error: 'in doubt: the worker was lost while sending',
      attemptError: 'the worker was lost while sending',
      providerMessageId: null,
    })),
  );
  return expired.filter((e) => e.state === 'failed').map((e) => ({ id: e.id, attempts: e.attempts }));
}

/** What became of one attempt of one digest, for its attempt row and the rows it carried. */
interface SettledAttempt {
  digestId: string;
  attempt: number;
  outcome: 'accepted' | 'failed' | 'in_doubt';
  /** The carried rows' new state (`sent` also stamps sent_at and the provider's id on them). */
  rowState: Extract<DeliveryState, 'sent' | 'failed' | 'dead'>;
  /** The rows' last_error, and the attempt row's own (the same but for an attempt in doubt). */
  error: string | null;
  attemptError: string | null;
  providerMessageId: string | null;
}

/**
 * The end of attempts, whether the sender recorded them or the sweep found
 * them in doubt: each attempt row finished (once), the rows each digest
 * carried (those still waiting: pending or failed) moved to their outcome,
 * and the customer notices' timeline lines. Two statements for any number of
 * digests; the digests themselves are updated by the caller, which guards
 * them differently.
 */
async function settleAttempts(db: Db, settled: SettledAttempt[]): Promise<void> {
  const digestIds = settled.map((s) => s.digestId);
  await execute(
    db,
    sql`UPDATE notification_digest_attempts a SET outcome = x.outcome, finished_at = clock_timestamp(), error = x.error
          FROM unnest(${digestIds}::uuid[], ${settled.map((s) => s.attempt)}::int[], ${settled.map((s) => s.outcome)}::text[],
                      ${settled.map((s) => s.attemptError)}::text[])
               AS x(digest_id, attempt, outcome, error)
         WHERE a.digest_id = x.digest_id AND a.attempt = x.attempt AND a.outcome IS NULL`,
  );
  await execute(
    db,
    sql`UPDATE notification_deliveries n
           SET state = x.state, last_error = x.error, updated_at = now(),
               sent_at = CASE WHEN x.state = 'sent' THEN clock_timestamp() ELSE n.sent_at END,
               provider_message_id = CASE WHEN x.state = 'sent' THEN x.provider_message_id ELSE n.provider_message_id END
          FROM unnest(${digestIds}::uuid[], ${settled.map((s) => s.rowState)}::text[], ${settled.map((s) => s.error)}::text[],
                      ${settled.map((s) => s.providerMessageId)}::text[]) AS x(digest_id, state, error, provider_message_id)
         WHERE n.digest_id = x.digest_id AND n.state IN ('pending', 'failed')`,
  );
  await customerNoticeOutcomeLines(db, digestIds);
}

/** A mobile in SQL as maskMobile (src/common/masking.ts) shows it: 138****5678. */
const MASKED_ADDRESS = sql`CASE WHEN length(n.address) = 11 THEN overlay(n.address placing '****' from 4 for 4) ELSE repeat('*', length(n.address)) END`;

/**
 * The case timeline's line for what just became of the customer notices these
 * digests carry (sent, failed with a retry to come, dead), in the caller's
 * transaction: every message to a customer shows on its case, the mobile
 * masked (docs/ARCHITECTURE.md, "Customer notices"). Staff and group rows
 * get none (the alert's own lines say it).
 */
export async function customerNoticeOutcomeLines(db: Db, digestIds: string[]): Promise<void> {
  if (!digestIds.length) return;
  await execute(
    db,
    sql`INSERT INTO case_timeline (case_kind, case_id, type, actor_name, data)
        SELECT n.case_kind, n.case_id, 'customer_notice', 'system',
               jsonb_build_object('deliveryId', n.id, 'notice', n.facts ->> 'eventType', 'caseNo', n.case_no, 'channel', n.channel,
                                  'state', n.state, 'to', ${MASKED_ADDRESS}, 'recipientName', n.recipient_name,
                                  'attempt', n.attempts, 'error', n.last_error)
          FROM notification_deliveries n
         WHERE n.digest_id = ANY (${digestIds}::uuid[]) AND n.recipient_kind IN ('contact', 'reporter')`,
  );
}

/** Digests waiting for an attempt that is due since `graceMs` (their job may be lost): id and the next attempt's number. */
export function overdueDigests(db: Db, graceMs: number, limit: number): Promise<{ id: string; attempts: number }[]> {
  return rows(
    db,
    sql`SELECT id, attempts FROM notification_digests
         WHERE state IN ('pending', 'failed') AND next_attempt_at < clock_timestamp() - make_interval(secs => ${graceMs / 1000})
         ORDER BY next_attempt_at LIMIT ${limit}`,
  );
}

/**
 * An SMS receipt (one per segment): kept by its message id, then applied to
 * the digest that sent the segment, if its send is recorded already (else
 * `recordAttempt` applies it when it is). Returns how many digests it reached.
 */
export async function recordReceipt(
  db: Db,
  receipt: { messageId: string; status: 'delivered' | 'failed'; stat: string; at: Date },
): Promise<number> {
  await execute(
    db,
    sql`INSERT INTO notification_sms_receipts (message_id, status, stat, done_at)
        VALUES (${receipt.messageId}, ${receipt.status}, ${receipt.stat}, ${receipt.at})
        ON CONFLICT (message_id) DO UPDATE SET status = excluded.status, stat = excluded.stat, done_at = excluded.done_at`,
  );
  const digests = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM notification_digests WHERE provider_message_ids @> ARRAY[${receipt.messageId}]::text[]`,
  );
  for (const d of digests) await applyReceipts(db, d.id);
  return digests.length;
}

/** The receipts of a digest's segments, on the digest and its rows: failed if any segment failed, else delivered once one is. */
async function applyReceipts(db: Db, digestId: string): Promise<void> {
  const [status] = await rows<{ receipt_status: string | null }>(
    db,
    sql`SELECT CASE WHEN bool_or(r.status = 'failed') THEN 'failed' WHEN count(r.*) > 0 THEN 'delivered' END AS receipt_status
          FROM notification_digests d
          JOIN notification_sms_receipts r ON r.message_id = ANY (d.provider_message_ids)
         WHERE d.id = ${digestId}`,
  );
  if (!status?.receipt_status) return;
  await execute(db, sql`UPDATE notification_digests SET receipt_status = ${status.receipt_status} WHERE id = ${digestId}`);
  await execute(
    db,
    sql`UPDATE notification_deliveries SET receipt_status = ${status.receipt_status}, updated_at = now() WHERE digest_id = ${digestId}`,
  );
}

/* ---- the API side ---- */

export interface DeliveryFilter {
  scope: string[] | null;
  state?: DeliveryState;
  channel?: DeliveryChannel;
  alertId?: string;
  limit: number;
  offset: number;
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  alert_id: string | null;
  case_kind: string;
  case_id: string;
  case_no: string;
  region: string;
  recipient_kind: RecipientKind;
  staff_id: string | null;
  group_channel_id: string | null;
  contact_id: string | null;
  recipient_name: string;
  address: string | null;
  mentions: Mention[];
  channel: DeliveryChannel;
  state: DeliveryState;
  suppressed_reason: SuppressedReason | null;
  digest_id: string | null;
  attempts: number;
  last_error: string | null;
  provider_message_id: string | null;
  receipt_status: string | null;
  sent_at: Date | null;
  created_at: Date;
  updated_at: Date;
  digest_size: number | null;
  next_attempt_at: Date | null;
}

const DELIVERY_COLUMNS = sql`n.id, n.event_id, n.event_type, n.alert_id, n.case_kind, n.case_id, n.case_no, n.region, n.recipient_kind,
  n.staff_id, n.group_channel_id, n.contact_id, n.recipient_name, n.address, n.mentions, n.channel, n.state, n.suppressed_reason,
  n.digest_id, n.attempts, n.last_error, n.provider_message_id, n.receipt_status, n.sent_at, n.created_at, n.updated_at,
  (SELECT count(*)::int FROM notification_deliveries m WHERE m.digest_id = n.digest_id) AS digest_size,
  CASE WHEN d.state IN ('pending', 'failed') THEN d.next_attempt_at END AS next_attempt_at`;

export async function deliveryPage(db: Db, f: DeliveryFilter): Promise<{ items: DeliveryRow[]; total: number }> {
  const where = [
    f.scope ? sql`n.region LIKE ANY (${f.scope}::text[])` : null,
    f.state ? sql`n.state = ${f.state}` : null,
    f.channel ? sql`n.channel = ${f.channel}` : null,
    f.alertId ? sql`n.alert_id = ${f.alertId}` : null,
  ].filter((w) => w !== null);
  const filter = where.length ? sql`WHERE ${join(where, ' AND ')}` : empty;
  const items = await rows<DeliveryRow>(
    db,
    sql`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries n LEFT JOIN notification_digests d ON d.id = n.digest_id
        ${filter} ORDER BY n.created_at DESC, n.id LIMIT ${f.limit} OFFSET ${f.offset}`,
  );
  const [{ total }] = await rows<{ total: number }>(db, sql`SELECT count(*)::int AS total FROM notification_deliveries n ${filter}`);
  return { items, total };
}

/** Every delivery of one alert, in the order they were written. */
export function deliveriesOfAlert(db: Db, alertId: string): Promise<DeliveryRow[]> {
  return rows<DeliveryRow>(
    db,
    sql`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries n LEFT JOIN notification_digests d ON d.id = n.digest_id
         WHERE n.alert_id = ${alertId} ORDER BY n.created_at, n.recipient_key, n.channel`,
  );
}

export function lockDelivery(db: Db, id: string): Promise<DeliveryRow | undefined> {
  return firstRow<DeliveryRow>(
    db,
    sql`SELECT ${DELIVERY_COLUMNS} FROM notification_deliveries n LEFT JOIN notification_digests d ON d.id = n.digest_id
         WHERE n.id = ${id} FOR UPDATE OF n`,
  );
}

/**
 * An admin's retry of a dead delivery: its digest (with every dead row in it)
 * gets `NOTIFY_MAX_ATTEMPTS` more attempts, due now. Returns the number of the
 * next attempt, or null when the digest is not dead (someone retried first).
 */
export async function reviveDigest(db: Db, digestId: string, moreAttempts: number): Promise<number | null> {
  const revived = await firstRow<{ attempts: number }>(
    db,
    sql`UPDATE notification_digests
           SET state = 'failed', max_attempts = attempts + ${moreAttempts}, next_attempt_at = clock_timestamp()
         WHERE id = ${digestId} AND state = 'dead'
        RETURNING attempts`,
  );
  if (!revived) return null;
  await execute(
    db,
    sql`UPDATE notification_deliveries SET state = 'pending', updated_at = now() WHERE digest_id = ${digestId} AND state = 'dead'`,
  );
  return revived.attempts + 1;
}

/**
 * Retention (EVENT_RETENTION_DAYS, like the webhook deliveries): deletes up
 * to `limit` finished digests (sent or dead) last touched more than `days`
 * ago, with their rows and attempts, then suppressed rows as old; how many
 * rows went.
 */
export async function purgeFinished(db: Db, days: number, limit: number): Promise<number> {
  const digests = await rows<{ id: string }>(
    db,
    sql`SELECT id FROM notification_digests
         WHERE state IN ('sent', 'dead') AND coalesce(sent_at, next_attempt_at) < now() - make_interval(days => ${days})
         LIMIT ${limit}`,
  );
  let deleted = 0;
  if (digests.length) {
    const ids = digests.map((d) => d.id);
    deleted += (await rows(db, sql`DELETE FROM notification_deliveries WHERE digest_id = ANY (${ids}::uuid[]) RETURNING id`)).length;
    await execute(db, sql`DELETE FROM notification_digests WHERE id = ANY (${ids}::uuid[])`);
  }
  deleted += (
    await rows(
      db,
      sql`DELETE FROM notification_deliveries WHERE id IN (
            SELECT id FROM notification_deliveries
             WHERE state = 'suppressed' AND created_at < now() - make_interval(days => ${days}) LIMIT ${limit})
          RETURNING id`,
    )
  ).length;
  await execute(
    db,
    sql`DELETE FROM notification_sms_receipts WHERE message_id IN (
          SELECT message_id FROM notification_sms_receipts WHERE received_at < now() - make_interval(days => ${days}) LIMIT ${limit})`,
  );
  return deleted;
}
