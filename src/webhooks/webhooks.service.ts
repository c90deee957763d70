import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { AuditService, changedFields } from '../common/audit/audit.service';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import { regionUnder } from '../common/escape-like';
import type { RowChanges } from '../common/guarded-update';
import { Page } from '../common/pagination/page';
import { PostCommit } from '../common/post-commit';
import { sql } from '../common/sql';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';
import { RegionsService } from '../regions/regions.service';
import {
  CreateWebhookDto,
  DEFAULT_OVERLAP_SECONDS,
  DeliveryDto,
  DeliveryQuery,
  PingResultDto,
  RotateSecretDto,
  RotatedWebhookDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookQuery,
} from './dto/webhook.dto';
import { enqueueDeliveries } from './delivery-jobs';
import { WebhookTargets } from './webhook-targets.service';
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entities';
import {
  attemptsOf,
  deliveryOf,
  deliveryPage,
  failPendingDeliveriesOf,
  insertRedelivery,
  insertSubscription,
  lockSubscription,
  signingSecretsOf,
  softDeleteSubscription,
  subscriptionExists,
  subscriptionPage,
  subscriptionWithSecret,
  updateSubscription,
} from './webhooks.repository';
import { WebhookError, WebhookErrorCode, webhookDeleted, webhookNotFound, webhookUrlRefused } from './webhooks.errors';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

export const secretHint = (secret: string) => `…${secret.slice(-4)}`;

/** The `type` of the body POST …/ping sends: no event of the outbox, so no subscription chooses it. */
export const PING_TYPE = 'ping';

/** The previous secret still signs until its expiry (the sender decides by PostgreSQL's clock; this view by the API's). */
const overlapRunning = (s: WebhookSubscription) => !!s.previousSecretExpiresAt && s.previousSecretExpiresAt > new Date();

const toWebhookDto = (s: WebhookSubscription): WebhookDto => ({
  id: s.id,
  url: s.url,
  events: s.events,
  active: s.active,
  regions: s.regions,
  customerTiers: s.customerTiers,
  format: s.format,
  secretHint: secretHint(s.secret),
  previousSecretHint: overlapRunning(s) && s.previousSecret ? secretHint(s.previousSecret) : null,
  previousSecretExpiresAt: overlapRunning(s) ? s.previousSecretExpiresAt : null,
  version: s.version,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  updatedAt: s.updatedAt,
  deletedAt: s.deletedAt,
});

const toDeliveryDto = (d: WebhookDelivery, attempts: WebhookDeliveryAttempt[]): DeliveryDto => ({
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status,
  attempts: d.attempts,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  deliveredAt: d.deliveredAt,
  redeliveryOf: d.redeliveryOf,
  createdAt: d.createdAt,
  attemptLog: attempts.map((a) => ({
    attempt: a.attempt,
    startedAt: a.startedAt,
    durationMs: a.durationMs,
    statusCode: a.statusCode,
    error: a.error,
  })),
});

/** A secret the service draws for a rotation: 256 random bits, printable. */
const drawSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

/** Subscriptions and their delivery history (the API side; the worker side is the relay and the sender). */
@Injectable()
export class WebhooksService {
  private readonly logger = new Logger(WebhooksService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.webhooks) private readonly webhooks: Queue,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly targets: WebhookTargets,
    private readonly regions: RegionsService,
  ) {}

  async create(auth: AuthContext, dto: CreateWebhookDto): Promise<WebhookDto> {
    const url = await this.checkedUrl(dto.url);
    const filters = this.filters(dto);
    return this.dataSource.transaction(async (em) => {
      const saved = await insertSubscription(em, {
        url,
        events: dto.events,
        secret: dto.secret,
        regions: filters.regions ?? null,
        regionPatterns: filters.regionPatterns ?? null,
        customerTiers: filters.customerTiers ?? null,
        createdBy: auth.staffId,
      });
      // The secret is left out (the audit redacts "secret" keys anyway).
      await this.audit.record(em, auth, {
        action: 'webhook.created',
        entity: 'webhook_subscription',
        entityId: saved.id,
        changes: { url, events: dto.events, regions: saved.regions, customerTiers: saved.customerTiers },
        regions: [], // receives every region's events: for nationwide readers
      });
      await recordOutcome(em, { resource: apiPath('webhooks', saved.id) });
      return toWebhookDto(saved);
    });
  }

  async list(q: WebhookQuery): Promise<Page<WebhookDto>> {
    const { rows, total } = await subscriptionPage(this.dataSource.manager, q);
    return { items: rows.map(toWebhookDto), total, limit: q.limit, offset: q.offset };
  }

  /** Deleted subscriptions are still found (with deletedAt), so their delivery history stays readable. */
  async get(id: string): Promise<WebhookDto> {
    const row = await subscriptionWithSecret(this.dataSource.manager, id);
    if (!row) throw webhookNotFound(id);
    return toWebhookDto(row);
  }

  /**
   * PATCH: url (checked as on creation), events, active, the filters. Under
   * the row lock and the caller's expectedVersion; fields given with the
   * value they have change nothing (no new version, no audit row).
   * Switching a subscription off ends its pending deliveries as failed, as a
   * delete does: "off" means nothing more reaches the URL.
   */
  async update(auth: AuthContext, id: string, dto: UpdateWebhookDto): Promise<WebhookDto> {
    const url = dto.url === undefined ? undefined : await this.checkedUrl(dto.url);
    const filters = this.filters(dto);
    return this.dataSource.transaction(async (em) => {
      const row = await this.lockLive(em, id, dto.expectedVersion);
      if (row.format && dto.events !== undefined) {
        throw invalidFields({ field: 'events', message: `are set by the hub subscription's query (format ${row.format})` });
      }
      const wanted: Partial<WebhookSubscription> = {
        url,
        events: dto.events,
        active: dto.active,
        regions: filters.regions,
        regionPatterns: filters.regionPatterns,
        customerTiers: filters.customerTiers,
      };
      const changed = changedFields(row, wanted);
      if (!Object.keys(changed).length) return toWebhookDto(row);
      const changes = Object.fromEntries(Object.keys(changed).map((k) => [k, wanted[k as keyof WebhookSubscription]]));
      const saved = await updateSubscription(em, id, dto.expectedVersion, changes);
      if (row.active && saved.active === false) await failPendingDeliveriesOf(em, id, 'subscription deactivated');
      delete changed.regionPatterns;
      await this.audit.record(em, auth, {
        action: 'webhook.updated',
        entity: 'webhook_subscription',
        entityId: id,
        changes: changed,
        regions: [],
      });
      return toWebhookDto(saved);
    });
  }

  /**
   * A new secret (given, or drawn here) under the row lock and the caller's
   * expectedVersion; the current one keeps signing beside it for
   * `overlapSeconds` (deliveries carry both signatures meanwhile). A rotation
   * during an overlap ends the older overlap: only the secret it replaces
   * stays valid beside the new one. The answer shows the new secret, once;
   * it is not kept for an Idempotency-Key replay (docs/SECURITY.md).
   */
  async rotateSecret(auth: AuthContext, id: string, dto: RotateSecretDto): Promise<RotatedWebhookDto> {
    const overlapSeconds = dto.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS;
    return this.dataSource.transaction(async (em) => {
      const row = await this.lockLive(em, id, dto.expectedVersion);
      const secret = dto.secret ?? drawSecret();
      if (secret === row.secret) throw invalidFields({ field: 'secret', message: 'must differ from the current secret' });
      const changes: RowChanges<WebhookSubscription> =
        overlapSeconds > 0
          ? {
              secret,
              previousSecret: row.secret,
              previousSecretExpiresAt: sql`now() + make_interval(secs => ${overlapSeconds})`,
            }
          : { secret, previousSecret: null, previousSecretExpiresAt: null };
      const saved = await updateSubscription(em, id, dto.expectedVersion, changes);
      // Hints only; the audit drops keys that name a secret, hence these names.
      await this.audit.record(em, auth, {
        action: 'webhook.secret_rotated',
        entity: 'webhook_subscription',
        entityId: id,
        changes: {
          signingKeyHint: { from: secretHint(row.secret), to: secretHint(secret) },
          overlapSeconds,
          overlapEndsAt: saved.previousSecretExpiresAt,
        },
        regions: [],
      });
      return { ...toWebhookDto(saved), secret };
    });
  }

  /**
   * Sends a signed `ping` to the subscription now, while the request waits
   * (at most WEBHOOK_TIMEOUT_MS), and answers what the receiver said. Not a
   * delivery: nothing is stored but the audit row, and nothing is retried.
   * Sent whether the subscription is active or not (a receiver can be tested
   * before it is switched on); signed with every secret valid now.
   */
  async ping(auth: AuthContext, id: string): Promise<PingResultDto> {
    const row = await subscriptionWithSecret(this.dataSource.manager, id);
    if (!row) throw webhookNotFound(id);
    if (row.deletedAt) throw webhookDeleted(id);
    const secrets = (await signingSecretsOf(this.dataSource.manager, id))!;
    const eventId = randomUUID();
    const deliveryId = randomUUID();
    const timeoutMs = this.config.events.webhookTimeoutMs;
    const t0 = performance.now();
    const sent = await this.targets.postSigned(
      row.url,
      secrets,
      {
        id: eventId,
        type: PING_TYPE,
        occurredAt: new Date().toISOString(),
        data: { subscriptionId: id, events: row.events, active: row.active, requestedBy: auth.staffId },
      },
      { deliveryId, timeoutMs },
    );
    const result: PingResultDto = {
      eventId,
      deliveryId,
      delivered: sent.ok,
      statusCode: sent.statusCode,
      error: sent.ok ? null : sent.error,
      durationMs: Math.round(performance.now() - t0),
    };
    await this.audit.record(this.dataSource.manager, auth, {
      action: 'webhook.pinged',
      entity: 'webhook_subscription',
      entityId: id,
      changes: { url: row.url, delivered: result.delivered, statusCode: result.statusCode, error: result.error },
      regions: [],
    });
    return result;
  }

  /**
   * A new delivery of a finished delivery's event (same event id, same body
   * bytes, signed afresh) to the same subscription, due now; its first
   * attempt is queued after commit (the sweep adds it if that add is lost).
   * Not while the delivery is still pending, nor to a deleted or inactive
   * subscription.
   */
  async redeliver(auth: AuthContext, id: string, deliveryId: string): Promise<DeliveryDto> {
    const post = new PostCommit();
    const created = await this.dataSource.transaction(async (em) => {
      // Under the row lock: a delete or deactivation waits, and then fails this delivery with the others.
      const row = await lockSubscription(em, id);
      if (!row) throw webhookNotFound(id);
      if (row.deletedAt) throw webhookDeleted(id);
      if (!row.active)
        throw new WebhookError(WebhookErrorCode.WEBHOOK_INACTIVE, `The webhook subscription ${id} is inactive; PATCH active: true first`);
      const original = await deliveryOf(em, id, deliveryId);
      if (!original)
        throw new WebhookError(WebhookErrorCode.WEBHOOK_DELIVERY_NOT_FOUND, `No delivery ${deliveryId} of webhook subscription ${id}`);
      if (original.status === 'pending') {
        throw new WebhookError(
          WebhookErrorCode.WEBHOOK_DELIVERY_PENDING,
          `The delivery ${deliveryId} is still being attempted (attempt ${original.attempts} made); redeliver it once it is delivered or failed`,
        );
      }
      const redelivery = await insertRedelivery(em, original);
      await this.audit.record(em, auth, {
        action: 'webhook.redelivered',
        entity: 'webhook_subscription',
        entityId: id,
        changes: { deliveryId: original.id, redeliveryId: redelivery.id, eventId: original.eventId, eventType: original.eventType },
        regions: [],
      });
      const dto = toDeliveryDto(redelivery, []);
      await recordOutcome(em, { body: dto });
      post.add(() =>
        enqueueDeliveries(this.webhooks, [{ data: { deliveryId: redelivery.id, attempt: 1 } }]).catch((err: unknown) =>
          this.logger.warn({ err, deliveryId: redelivery.id }, 'could not enqueue a redelivery; the sweep will'),
        ),
      );
      return dto;
    });
    await post.run();
    return created;
  }

  /**
   * A subscription in a delivery format (delivery-formats.port.ts): a TM Forum
   * hub's `POST /hub`. The URL passes the same SSRF guard; `events` are the
   * format's message types the subscriber chose; the secret is drawn here
   * unless given, and returned this once (it is rotated like any other,
   * `POST /webhooks/{id}/rotate-secret`). Audited as `webhook.created`.
   */
  async subscribeFormatted(
    auth: AuthContext,
    s: { url: string; format: string; events: string[]; query: string | null; secret?: string },
  ): Promise<{ subscription: WebhookDto; secret: string }> {
    const url = await this.checkedUrl(s.url);
    const secret = s.secret ?? drawSecret();
    return this.dataSource.transaction(async (em) => {
      const saved = await insertSubscription(em, {
        url,
        events: s.events,
        secret,
        regions: null,
        regionPatterns: null,
        customerTiers: null,
        createdBy: auth.staffId,
        format: s.format,
        formatQuery: s.query,
      });
      await this.audit.record(em, auth, {
        action: 'webhook.created',
        entity: 'webhook_subscription',
        entityId: saved.id,
        changes: { url, events: s.events, format: s.format, query: s.query },
        regions: [],
      });
      return { subscription: toWebhookDto(saved), secret };
    });
  }

  /** A live subscription of this format, or 404 (unknown, deleted, plain, or of another format). */
  async formattedSubscription(id: string, format: string): Promise<WebhookDto & { formatQuery: string | null }> {
    const row = await subscriptionWithSecret(this.dataSource.manager, id);
    if (!row || row.deletedAt || row.format !== format) throw webhookNotFound(id);
    return { ...toWebhookDto(row), formatQuery: row.formatQuery };
  }

  /** Deletes a live subscription of this format (a hub's `DELETE /hub/{id}`); 404 as formattedSubscription. */
  async removeFormatted(auth: AuthContext, id: string, format: string): Promise<void> {
    await this.formattedSubscription(id, format);
    await this.remove(auth, id);
  }

  /**
   * Soft delete: the relay stops matching it at once, and its pending
   * deliveries end as failed. Deleting twice is not an error (nothing changes
   * the second time and nothing more is audited).
   */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // Row lock: waits for a relay that is matching this subscription (it holds FOR SHARE) to commit.
      const deleted = await softDeleteSubscription(em, id);
      if (!deleted) {
        if (!(await subscriptionExists(em, id))) throw webhookNotFound(id);
        return;
      }
      await failPendingDeliveriesOf(em, id, 'subscription deleted');
      await this.audit.record(em, auth, {
        action: 'webhook.deleted',
        entity: 'webhook_subscription',
        entityId: id,
        changes: { url: deleted.url, events: deleted.events },
        regions: [],
      });
    });
  }

  /** One snapshot (REPEATABLE READ), so a delivery and its attempt log never disagree mid-attempt. */
  deliveries(id: string, q: DeliveryQuery): Promise<Page<DeliveryDto>> {
    return this.dataSource.transaction('REPEATABLE READ', (em) => this.readDeliveries(em, id, q));
  }

  private async readDeliveries(em: EntityManager, id: string, q: DeliveryQuery): Promise<Page<DeliveryDto>> {
    if (!(await subscriptionExists(em, id))) throw webhookNotFound(id);
    const { rows, total } = await deliveryPage(em, id, q);
    const attempts = rows.length
      ? await attemptsOf(
          em,
          rows.map((r) => r.id),
        )
      : [];
    const byDelivery = new Map<string, WebhookDeliveryAttempt[]>();
    for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
    return {
      items: rows.map((d) => toDeliveryDto(d, byDelivery.get(d.id) ?? [])),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  /** The SSRF guard, as on creation: the URL as normalised, or 400 naming `url`. */
  private async checkedUrl(raw: string): Promise<string> {
    const check = await this.targets.check(raw, AbortSignal.timeout(this.config.events.webhookTimeoutMs));
    if (!check.ok) throw webhookUrlRefused(check.reason);
    return check.url.toString();
  }

  /** The filters as stored (undefined: not given; null: none), region codes checked against the reference table. */
  private filters(dto: Pick<CreateWebhookDto, 'regions' | 'customerTiers'>) {
    if (dto.regions) this.regions.assertKnown('regions', ...dto.regions);
    const regions = dto.regions === undefined ? undefined : dto.regions && [...dto.regions].sort();
    return {
      regions,
      regionPatterns: regions === undefined ? undefined : regions && regions.map(regionUnder),
      customerTiers: dto.customerTiers === undefined ? undefined : dto.customerTiers && [...dto.customerTiers].sort(),
    };
  }

  /** The live subscription locked for a change at `expectedVersion`: 404 unknown, 409 deleted or changed since. */
  private async lockLive(em: EntityManager, id: string, expectedVersion: number): Promise<WebhookSubscription> {
    const row = await lockSubscription(em, id);
    if (!row) throw webhookNotFound(id);
    if (row.deletedAt) throw webhookDeleted(id);
    if (row.version !== expectedVersion) throw staleVersion('webhook subscription', expectedVersion, row.version);
    return row;
  }
}
