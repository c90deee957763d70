import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { AuditService } from '../common/audit/audit.service';
import { Page } from '../common/pagination/page';
import { AppConfig } from '../config/app-config';
import { CreateWebhookDto, DeliveryDto, DeliveryQuery, WebhookDto, WebhookQuery } from './dto/webhook.dto';
import { WebhookTargets } from './webhook-targets';
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entities';
import { webhookNotFound, webhookUrlRefused } from './webhooks.errors';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

export const secretHint = (secret: string) => `…${secret.slice(-4)}`;

const toWebhookDto = (s: WebhookSubscription, hint: string): WebhookDto => ({
  id: s.id,
  url: s.url,
  events: s.events,
  secretHint: hint,
  createdBy: s.createdBy,
  createdAt: s.createdAt,
  deletedAt: s.deletedAt,
});

/** Subscriptions and their delivery history (the API side; the worker side is the relay and the sender). */
@Injectable()
export class WebhooksService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly targets: WebhookTargets,
  ) {}

  async create(auth: AuthContext, dto: CreateWebhookDto): Promise<WebhookDto> {
    const check = await this.targets.check(dto.url, AbortSignal.timeout(this.config.events.webhookTimeoutMs));
    if (!check.ok) throw webhookUrlRefused(check.reason);
    const url = check.url.toString();
    return this.dataSource.transaction(async (em) => {
      const saved = await em.save(em.create(WebhookSubscription, { url, events: dto.events, secret: dto.secret, createdBy: auth.staffId }));
      // The secret is left out (the audit redacts "secret" keys anyway).
      await this.audit.record(em, auth, {
        action: 'webhook.created',
        entity: 'webhook_subscription',
        entityId: saved.id,
        changes: { url, events: dto.events },
        regions: [], // receives every region's events: for nationwide readers
      });
      await recordOutcome(em, { resource: apiPath('webhooks', saved.id) });
      const row = (await em.findOneBy(WebhookSubscription, { id: saved.id }))!;
      return toWebhookDto(row, secretHint(dto.secret));
    });
  }

  async list(q: WebhookQuery): Promise<Page<WebhookDto>> {
    const qb = this.dataSource.getRepository(WebhookSubscription).createQueryBuilder('s').addSelect('s.secret');
    if (!q.includeDeleted) qb.andWhere('s.deleted_at IS NULL');
    const [rows, total] = await qb.orderBy('s.created_at', 'DESC').addOrderBy('s.id').take(q.limit).skip(q.offset).getManyAndCount();
    return { items: rows.map((s) => toWebhookDto(s, secretHint(s.secret))), total, limit: q.limit, offset: q.offset };
  }

  /** Deleted subscriptions are still found (with deletedAt), so their delivery history stays readable. */
  async get(id: string): Promise<WebhookDto> {
    const row = await this.dataSource
      .getRepository(WebhookSubscription)
      .createQueryBuilder('s')
      .addSelect('s.secret')
      .where('s.id = :id', { id })
      .getOne();
    if (!row) throw webhookNotFound(id);
    return toWebhookDto(row, secretHint(row.secret));
  }

  /**
   * Soft delete: the relay stops matching it at once, and its pending
   * deliveries end as failed. Deleting twice is not an error (nothing changes
   * the second time and nothing more is audited).
   */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      // Row lock: waits for a relay that is matching this subscription (it holds FOR SHARE) to commit.
      const [rows] = (await em.query(
        `UPDATE webhook_subscriptions SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING url, events`,
        [id],
      )) as [{ url: string; events: string[] }[], number];
      if (!rows.length) {
        if (!(await em.existsBy(WebhookSubscription, { id }))) throw webhookNotFound(id);
        return;
      }
      await em.query(
        `UPDATE webhook_deliveries SET status = 'failed', last_error = 'subscription deleted'
          WHERE subscription_id = $1 AND status = 'pending'`,
        [id],
      );
      await this.audit.record(em, auth, {
        action: 'webhook.deleted',
        entity: 'webhook_subscription',
        entityId: id,
        changes: { url: rows[0].url, events: rows[0].events },
        regions: [],
      });
    });
  }

  /** One snapshot (REPEATABLE READ), so a delivery and its attempt log never disagree mid-attempt. */
  deliveries(id: string, q: DeliveryQuery): Promise<Page<DeliveryDto>> {
    return this.dataSource.transaction('REPEATABLE READ', (em) => this.readDeliveries(em, id, q));
  }

  private async readDeliveries(em: EntityManager, id: string, q: DeliveryQuery): Promise<Page<DeliveryDto>> {
    if (!(await em.existsBy(WebhookSubscription, { id }))) throw webhookNotFound(id);
    const [rows, total] = await em.findAndCount(WebhookDelivery, {
      where: { subscriptionId: id, ...(q.status ? { status: q.status } : {}) },
      order: { createdAt: 'DESC', id: 'ASC' },
      take: q.limit,
      skip: q.offset,
    });
    const attempts = rows.length
      ? await em.find(WebhookDeliveryAttempt, {
          where: { deliveryId: In(rows.map((r) => r.id)) },
          order: { deliveryId: 'ASC', attempt: 'ASC' },
        })
      : [];
    const byDelivery = new Map<string, WebhookDeliveryAttempt[]>();
    for (const a of attempts) byDelivery.set(a.deliveryId, [...(byDelivery.get(a.deliveryId) ?? []), a]);
    return {
      items: rows.map((d) => ({
        id: d.id,
        eventId: d.eventId,
        eventType: d.eventType,
        status: d.status,
        attempts: d.attempts,
        nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt : null,
        lastStatusCode: d.lastStatusCode,
        lastError: d.lastError,
        deliveredAt: d.deliveredAt,
        createdAt: d.createdAt,
        attemptLog: (byDelivery.get(d.id) ?? []).map((a) => ({
          attempt: a.attempt,
          startedAt: a.startedAt,
          durationMs: a.durationMs,
          statusCode: a.statusCode,
          error: a.error,
        })),
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }
}
