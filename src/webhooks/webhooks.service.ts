import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { AuthContext } from '../common/auth/auth-context';
import { AuditService } from '../common/audit/audit.service';
import { Page } from '../common/pagination/page';
import { AppConfig } from '../config/app-config';
import { CreateWebhookDto, DeliveryDto, DeliveryQuery, WebhookDto, WebhookQuery } from './dto/webhook.dto';
import { WebhookTargets } from './webhook-targets.service';
import { WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entities';
import {
  attemptsOf,
  deliveryPage,
  failPendingDeliveriesOf,
  insertSubscription,
  softDeleteSubscription,
  subscriptionExists,
  subscriptionPage,
  subscriptionWithSecret,
} from './webhooks.repository';
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
      const saved = await insertSubscription(em, { url, events: dto.events, secret: dto.secret, createdBy: auth.staffId });
      // The secret is left out (the audit redacts "secret" keys anyway).
      await this.audit.record(em, auth, {
        action: 'webhook.created',
        entity: 'webhook_subscription',
        entityId: saved.id,
        changes: { url, events: dto.events },
        regions: [], // receives every region's events: for nationwide readers
      });
      await recordOutcome(em, { resource: apiPath('webhooks', saved.id) });
      return toWebhookDto(saved, secretHint(dto.secret));
    });
  }

  async list(q: WebhookQuery): Promise<Page<WebhookDto>> {
    const { rows, total } = await subscriptionPage(this.dataSource.manager, q);
    return { items: rows.map((s) => toWebhookDto(s, secretHint(s.secret))), total, limit: q.limit, offset: q.offset };
  }

  /** Deleted subscriptions are still found (with deletedAt), so their delivery history stays readable. */
  async get(id: string): Promise<WebhookDto> {
    const row = await subscriptionWithSecret(this.dataSource.manager, id);
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
      const deleted = await softDeleteSubscription(em, id);
      if (!deleted) {
        if (!(await subscriptionExists(em, id))) throw webhookNotFound(id);
        return;
      }
      await failPendingDeliveriesOf(em, id);
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
