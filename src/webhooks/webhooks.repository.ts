import type { EntityManager } from 'typeorm';
import { In } from 'typeorm';
import { guardedUpdate } from '../common/guarded-update';
import type { RowChanges } from '../common/guarded-update';
import type { Db } from '../common/sql';
import { affected, execute, firstRow, rows, sql } from '../common/sql';
import type { Tier } from '../customers/customer-record.port';
import type { DeliveryStatus } from './webhook.entities';
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entities';

// ---- subscriptions ----

export interface NewSubscription {
  url: string;
  events: string[];
  secret: string;
  regions: string[] | null;
  regionPatterns: string[] | null;
  customerTiers: Tier[] | null;
  createdBy: string | null;
  /** A delivery format (delivery-formats.port.ts) and the subscriber's filter text; absent for a plain subscription. */
  format?: string | null;
  formatQuery?: string | null;
}

/** Inserts a subscription (active, version 1); the row as stored (with its secret). */
export async function insertSubscription(em: EntityManager, s: NewSubscription): Promise<WebhookSubscription> {
  const saved = await em.save(
    em.create(WebhookSubscription, { ...s, format: s.format ?? null, formatQuery: s.formatQuery ?? null, active: true, version: 1 }),
  );
  return (await subscriptionWithSecret(em, saved.id))!;
}

/**
 * A subscription with both secrets, locked for the caller's transaction (a
 * change, a rotation, a redelivery); deleted ones too, so the caller can tell
 * "deleted" from "unknown".
 */
export function lockSubscription(em: EntityManager, id: string): Promise<WebhookSubscription | null> {
  return em
    .getRepository(WebhookSubscription)
    .createQueryBuilder('s')
    .addSelect(['s.secret', 's.previousSecret'])
    .where('s.id = :id', { id })
    .setLock('pessimistic_write')
    .getOne();
}

/** Changes a subscription if it is still at `expectedVersion` (409 otherwise); the row as it is now, with its secrets. */
export async function updateSubscription(
  em: EntityManager,
  id: string,
  expectedVersion: number,
  changes: RowChanges<WebhookSubscription>,
): Promise<WebhookSubscription> {
  await guardedUpdate(em, WebhookSubscription, { id }, expectedVersion, changes, 'webhook subscription');
  return (await subscriptionWithSecret(em, id))!;
}

/** Newest first; the secrets are selected (the API shows their last characters). */
export async function subscriptionPage(
  em: EntityManager,
  q: { includeDeleted?: boolean; limit: number; offset: number },
): Promise<{ rows: WebhookSubscription[]; total: number }> {
  const qb = em.getRepository(WebhookSubscription).createQueryBuilder('s').addSelect(['s.secret', 's.previousSecret']);
  if (!q.includeDeleted) qb.andWhere('s.deleted_at IS NULL');
  const [found, total] = await qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id').take(q.limit).skip(q.offset).getManyAndCount();
  return { rows: found, total };
}

/** A subscription, deleted or not, with both its secrets. */
export function subscriptionWithSecret(em: EntityManager, id: string): Promise<WebhookSubscription | null> {
  return em
    .getRepository(WebhookSubscription)
    .createQueryBuilder('s')
    .addSelect(['s.secret', 's.previousSecret'])
    .where('s.id = :id', { id })
    .getOne();
}

/**
 * What a ping signs with: the current secret, and the previous one while its
 * overlap lasts (by PostgreSQL's clock, as the sender's claim decides it).
 */
export function signingSecretsOf(db: Db, id: string): Promise<{ current: string; previous: string | null } | undefined> {
  return firstRow(
    db,
    sql`SELECT secret AS current, CASE WHEN previous_secret_expires_at > now() THEN previous_secret END AS previous
          FROM webhook_subscriptions WHERE id = ${id}`,
  );
}

export function subscriptionExists(em: EntityManager, id: string): Promise<boolean> {
  return em.existsBy(WebhookSubscription, { id });
}

/**
 * Marks a live subscription deleted (its row lock waits for a relay matching
 * it under FOR SHARE); what it was, or undefined when it was not live.
 */
export function softDeleteSubscription(db: Db, id: string): Promise<{ url: string; events: string[] } | undefined> {
  return firstRow(
    db,
    sql`UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = ${id} AND deleted_at IS NULL RETURNING url, events`,
  );
}

// ---- deliveries ----

/** A subscription's deliveries, newest first, one page. */
export async function deliveryPage(
  em: EntityManager,
  subscriptionId: string,
  q: { status?: DeliveryStatus; limit: number; offset: number },
): Promise<{ rows: WebhookDelivery[]; total: number }> {
  const [found, total] = await em.findAndCount(WebhookDelivery, {
    where: { subscriptionId, ...(q.status ? { status: q.status } : {}) },
    order: { createdAt: 'DESC', id: 'ASC' },
    take: q.limit,
    skip: q.offset,
  });
  return { rows: found, total };
}

/** The attempts of these deliveries, by delivery then attempt. */
export function attemptsOf(em: EntityManager, deliveryIds: string[]): Promise<WebhookDeliveryAttempt[]> {
  return em.find(WebhookDeliveryAttempt, { where: { deliveryId: In(deliveryIds) }, order: { deliveryId: 'ASC', attempt: 'ASC' } });
}

/** Ends a subscription's pending deliveries (it was deleted or deactivated: `why`). */
export async function failPendingDeliveriesOf(db: Db, subscriptionId: string, why: string): Promise<void> {
  await execute(
    db,
    sql`UPDATE webhook_deliveries SET status = 'failed', last_error = ${why}
         WHERE subscription_id = ${subscriptionId} AND status = 'pending'`,
  );
}

/** One delivery of a subscription (for a redelivery), or undefined. */
export function deliveryOf(em: EntityManager, subscriptionId: string, deliveryId: string): Promise<WebhookDelivery | null> {
  return em.findOneBy(WebhookDelivery, { id: deliveryId, subscriptionId });
}

/** A new pending delivery of `original`'s event to the same subscription, due now. */
export async function insertRedelivery(em: EntityManager, original: WebhookDelivery): Promise<WebhookDelivery> {
  const [row] = await rows<{ id: string }>(
    em,
    sql`INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status, redelivery_of, payload)
        SELECT subscription_id, event_id, event_type, 'pending', id, payload FROM webhook_deliveries WHERE id = ${original.id}
        RETURNING id`,
  );
  return (await em.findOneBy(WebhookDelivery, { id: row.id }))!;
}

/**
 * One pending delivery per (live, active subscription wanting the type and
 * passing its filters, event), in event order; ON CONFLICT DO NOTHING on the
 * unique (subscription, event) of relayed deliveries, so two relays holding
 * the same event could not create one twice. The subscriptions are read FOR
 * SHARE: one being deleted, deactivated or re-filtered meanwhile waits for
 * the caller's commit (and a delete or deactivation then fails what was
 * created here instead of leaving it pending). Returns the deliveries created.
 *
 * The filters read the payload: an event's region is `data.region` (cases,
 * alerts) or `data.acceptedRegion` (orders), matched by the subscription's
 * LIKE patterns (a region code covers itself and everything under it); its
 * customer's tier is read by `data.customerId` only when a subscription
 * filters by tier. An event with neither never passes that filter.
 */
export function insertDeliveriesFor(db: Db, events: { id: string }[]): Promise<{ id: string; eventId: string }[]> {
  return rows(
    db,
    sql`WITH subs AS (SELECT id, events, region_patterns, customer_tiers FROM webhook_subscriptions
                       WHERE deleted_at IS NULL AND active AND format IS NULL FOR SHARE),
             ev AS (SELECT e.id, e.type, u.n, coalesce(e.data->>'region', e.data->>'acceptedRegion') AS region,
                           CASE WHEN e.data->>'customerId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                THEN (e.data->>'customerId')::uuid END AS customer_id
                      FROM unnest(${events.map((e) => e.id)}::uuid[]) WITH ORDINALITY AS u(id, n) JOIN outbox_events e ON e.id = u.id)
        INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status)
        SELECT s.id, ev.id, ev.type, 'pending' FROM ev JOIN subs s ON ev.type = ANY (s.events)
         WHERE (s.region_patterns IS NULL OR ev.region LIKE ANY (s.region_patterns))
           AND (s.customer_tiers IS NULL OR (SELECT c.tier FROM customers c WHERE c.id = ev.customer_id) = ANY (s.customer_tiers))
         ORDER BY ev.n, s.id
        ON CONFLICT (subscription_id, event_id, event_type) WHERE redelivery_of IS NULL DO NOTHING
        RETURNING id, event_id AS "eventId"`,
  );
}

/** A (formatted subscription, event) pair the relay matched: what rendering and the delivery need. */
export interface FormattedMatch {
  subscriptionId: string;
  format: string;
  /** The message types the subscription chose. */
  events: string[];
  eventId: string;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/**
 * The formatted subscriptions' side of insertDeliveriesFor: every (live,
 * active subscription of a format that renders the event's type and passes
 * the same region and tier filters, event) pair, in event order, the
 * subscriptions read FOR SHARE for the same reason. `formats`: each
 * registered format's name and source event types.
 */
export async function formattedMatches(
  db: Db,
  events: { id: string }[],
  formats: { name: string; sources: readonly string[] }[],
): Promise<FormattedMatch[]> {
  if (!formats.length || !events.length) return [];
  const pairs = formats.flatMap((f) => f.sources.map((t) => [f.name, t]));
  const found = await rows<{
    subscription_id: string;
    format: string;
    events: string[];
    event_id: string;
    type: string;
    occurred_at: Date;
    data: Record<string, unknown>;
  }>(
    db,
    sql`WITH subs AS (SELECT id, format, events, region_patterns, customer_tiers FROM webhook_subscriptions
                       WHERE deleted_at IS NULL AND active AND format IS NOT NULL FOR SHARE),
             wants AS (SELECT * FROM unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) AS w(format, type)),
             ev AS (SELECT e.id, e.type, e.occurred_at, e.data, u.n, coalesce(e.data->>'region', e.data->>'acceptedRegion') AS region,
                           CASE WHEN e.data->>'customerId' ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
                                THEN (e.data->>'customerId')::uuid END AS customer_id
                      FROM unnest(${events.map((e) => e.id)}::uuid[]) WITH ORDINALITY AS u(id, n) JOIN outbox_events e ON e.id = u.id)
        SELECT s.id AS subscription_id, s.format, s.events, ev.id AS event_id, ev.type, ev.occurred_at, ev.data
          FROM ev JOIN wants w ON w.type = ev.type JOIN subs s ON s.format = w.format
         WHERE (s.region_patterns IS NULL OR ev.region LIKE ANY (s.region_patterns))
           AND (s.customer_tiers IS NULL OR (SELECT c.tier FROM customers c WHERE c.id = ev.customer_id) = ANY (s.customer_tiers))
         ORDER BY ev.n, s.id`,
  );
  return found.map((r) => ({
    subscriptionId: r.subscription_id,
    format: r.format,
    events: r.events,
    eventId: r.event_id,
    type: r.type,
    occurredAt: new Date(r.occurred_at),
    data: r.data,
  }));
}

/**
 * Inserts formatted deliveries with their rendered bodies, in the order
 * given; ON CONFLICT DO NOTHING on the relay's one delivery per
 * (subscription, event, type). Returns those created, in order.
 */
export async function insertFormattedDeliveries(
  db: Db,
  deliveries: { subscriptionId: string; eventId: string; type: string; payload: Record<string, unknown> }[],
): Promise<{ id: string; eventId: string }[]> {
  if (!deliveries.length) return [];
  return rows(
    db,
    sql`INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, status, payload)
        SELECT d.subscription_id, d.event_id, d.type, 'pending', d.payload
          FROM unnest(${deliveries.map((d) => d.subscriptionId)}::uuid[], ${deliveries.map((d) => d.eventId)}::uuid[],
                      ${deliveries.map((d) => d.type)}::text[], ${deliveries.map((d) => JSON.stringify(d.payload))}::jsonb[])
               WITH ORDINALITY AS d(subscription_id, event_id, type, payload, n)
         ORDER BY d.n
        ON CONFLICT (subscription_id, event_id, event_type) WHERE redelivery_of IS NULL DO NOTHING
        RETURNING id, event_id AS "eventId"`,
  );
}

/** Pending deliveries whose next attempt is overdue by more than `graceSeconds`, oldest first. */
export function overduePendingDeliveries(db: Db, graceSeconds: number, limit: number): Promise<{ id: string; attempts: number }[]> {
  return rows(
    db,
    sql`SELECT id, attempts FROM webhook_deliveries
         WHERE status = 'pending' AND next_attempt_at < now() - make_interval(secs => ${graceSeconds})
         ORDER BY next_attempt_at LIMIT ${limit}`,
  );
}

/** Deletes up to `limit` finished (delivered or failed) deliveries older than `days`, with their attempts; how many deliveries. */
export function purgeFinishedDeliveries(db: Db, days: number, limit: number): Promise<number> {
  return affected(
    db,
    sql`WITH old AS (
          SELECT id FROM webhook_deliveries
           WHERE status IN ('delivered', 'failed') AND created_at < now() - make_interval(days => ${days}) LIMIT ${limit}
        ), attempts AS (
          DELETE FROM webhook_delivery_attempts WHERE delivery_id IN (SELECT id FROM old)
        )
        DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM old)`,
  );
}

// ---- the sender's attempts ----

/** What a claimed attempt sends. */
export interface ClaimedAttempt {
  deliveryId: string;
  url: string;
  secret: string;
  /** The secret before the last rotation while its overlap lasts (both sign), else null. */
  previousSecret: string | null;
  eventId: string;
  eventType: string;
  occurredAt: Date;
  data: Record<string, unknown>;
  /** A formatted delivery's message type (else the event's type, as eventType). */
  deliveryType: string;
  /** A formatted delivery's body, sent as is; null: Focus One's envelope of the event. */
  payload: Record<string, unknown> | null;
}

/**
 * Claims attempt `attempt` of a pending, due delivery of a live subscription:
 * moves `attempts` from attempt − 1 to attempt and leases the delivery for
 * `leaseSeconds`. Only one caller can make that move; undefined for the others.
 */
export async function claimAttempt(db: Db, deliveryId: string, attempt: number, leaseSeconds: number): Promise<ClaimedAttempt | undefined> {
  const row = await firstRow<{
    id: string;
    url: string;
    secret: string;
    previous_secret: string | null;
    event_id: string;
    type: string;
    occurred_at: Date;
    data: Record<string, unknown>;
    delivery_type: string;
    payload: Record<string, unknown> | null;
  }>(
    db,
    sql`UPDATE webhook_deliveries d
           SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseSeconds})
          FROM webhook_subscriptions s, outbox_events e
         WHERE d.id = ${deliveryId} AND d.status = 'pending' AND d.attempts = ${attempt} - 1 AND d.next_attempt_at <= now()
           AND s.id = d.subscription_id AND s.deleted_at IS NULL AND s.active
           AND e.id = d.event_id
        RETURNING d.id, s.url, s.secret, CASE WHEN s.previous_secret_expires_at > now() THEN s.previous_secret END AS previous_secret,
                  e.id AS event_id, e.type, e.occurred_at, e.data, d.event_type AS delivery_type, d.payload`,
  );
  return (
    row && {
      deliveryId: row.id,
      url: row.url,
      secret: row.secret,
      previousSecret: row.previous_secret,
      eventId: row.event_id,
      eventType: row.type,
      occurredAt: new Date(row.occurred_at),
      data: row.data,
      deliveryType: row.delivery_type,
      payload: row.payload,
    }
  );
}

/** Why an attempt could not be claimed: the delivery as it stands. */
export interface DeliveryStanding {
  status: DeliveryStatus;
  attempts: number;
  /** Why its subscription takes nothing now ('subscription deleted', 'subscription deactivated'), or null. */
  subscriptionClosed: string | null;
  /** How long until its next attempt is due (0 when due). */
  waitMs: number;
}

export async function deliveryStanding(db: Db, deliveryId: string): Promise<DeliveryStanding | undefined> {
  const row = await firstRow<{ status: DeliveryStatus; attempts: number; subscription_closed: string | null; wait_ms: number }>(
    db,
    sql`SELECT d.status, d.attempts,
               CASE WHEN s.deleted_at IS NOT NULL THEN 'subscription deleted' WHEN NOT s.active THEN 'subscription deactivated' END
                 AS subscription_closed,
               greatest(0, ceil(extract(epoch FROM d.next_attempt_at - now()) * 1000))::int AS wait_ms
          FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id
         WHERE d.id = ${deliveryId}`,
  );
  return row && { status: row.status, attempts: row.attempts, subscriptionClosed: row.subscription_closed, waitMs: row.wait_ms };
}

/** Ends a pending delivery whose subscription was deleted or deactivated (`why`). */
export async function failDeliveryOfClosedSubscription(db: Db, deliveryId: string, why: string): Promise<void> {
  await execute(
    db,
    sql`UPDATE webhook_deliveries SET status = 'failed', last_error = ${why} WHERE id = ${deliveryId} AND status = 'pending'`,
  );
}

/** Fails a delivery whose last allowed attempt (`attempts` made) never recorded an answer. */
export async function failUnansweredDelivery(db: Db, deliveryId: string, attempts: number): Promise<void> {
  await execute(
    db,
    sql`UPDATE webhook_deliveries SET status = 'failed', last_error = coalesce(last_error, 'no answer recorded for the last attempt')
         WHERE id = ${deliveryId} AND status = 'pending' AND attempts = ${attempts}`,
  );
}

export interface AttemptRecord {
  deliveryId: string;
  attempt: number;
  startedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
}

/** The attempt's log row (once per attempt: a second record of the same attempt is a no-op). */
export async function insertAttempt(db: Db, a: AttemptRecord): Promise<void> {
  await execute(
    db,
    sql`INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, status_code, error)
        VALUES (${a.deliveryId}, ${a.attempt}, ${a.startedAt}, ${a.durationMs}, ${a.statusCode}, ${a.error})
        ON CONFLICT (delivery_id, attempt) DO NOTHING`,
  );
}

/** Settles a delivery as delivered, whatever attempt answered. */
export async function markDelivered(db: Db, deliveryId: string, statusCode: number): Promise<void> {
  await execute(
    db,
    sql`UPDATE webhook_deliveries SET status = 'delivered', delivered_at = now(), last_status_code = ${statusCode}, last_error = NULL
         WHERE id = ${deliveryId} AND status <> 'delivered'`,
  );
}

/**
 * Schedules the next attempt in `delaySeconds`, if attempt `attempt` is still
 * the latest of a pending delivery; whether it was.
 */
export async function scheduleRetry(
  db: Db,
  deliveryId: string,
  attempt: number,
  delaySeconds: number,
  last: { statusCode: number | null; error: string },
): Promise<boolean> {
  const updated = await rows(
    db,
    sql`UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => ${delaySeconds}), last_status_code = ${last.statusCode}, last_error = ${last.error}
         WHERE id = ${deliveryId} AND status = 'pending' AND attempts = ${attempt} RETURNING id`,
  );
  return updated.length > 0;
}

/** Fails a pending delivery after its last attempt, if that attempt is still its latest. */
export async function markFailed(
  db: Db,
  deliveryId: string,
  attempt: number,
  last: { statusCode: number | null; error: string },
): Promise<void> {
  await execute(
    db,
    sql`UPDATE webhook_deliveries SET status = 'failed', last_status_code = ${last.statusCode}, last_error = ${last.error}
         WHERE id = ${deliveryId} AND status = 'pending' AND attempts = ${attempt}`,
  );
}
