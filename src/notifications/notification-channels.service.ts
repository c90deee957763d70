import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { apiPath } from '../common/http/api-path';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import type { Page } from '../common/pagination/page';
import { SecretBox, SecretKeyMissing } from '../common/secret-box';
import type { Db } from '../common/sql';
import { AppConfig } from '../config/app-config';
import { RegionsService } from '../regions/regions.service';
import { WebhookTargets } from '../webhooks/webhook-targets.service';
import type {
  CreateNotificationChannelDto,
  NotificationChannelDto,
  NotificationChannelQuery,
  UpdateNotificationChannelDto,
} from './dto/notification-channel.dto';
import { NotificationChannel } from './notification-channel.entity';
import type { ChannelRow, SealedChannelRow } from './notification-channels.repository';
import {
  CHANNEL_NAME_INDEX,
  activeChannelsIn,
  channelById,
  channelPage,
  insertChannel,
  liveChannelCount,
  liveSealedChannel,
  lockLiveChannel,
  softDeleteChannel,
} from './notification-channels.repository';
import type { GroupChannelTarget, GroupChannelType } from './notifications.port';
import { channelNameTaken, channelNotFound, channelUrlRefused, secretKeyMissing } from './notifications.errors';
import { maskedRobotUrl, robotUrlProblem } from './robot-url';

/** What a sealed value is bound to (authenticated data): this row and this field, nowhere else. */
const sealContext = (id: string, field: 'webhook_url' | 'secret') => `notification_channels/${id}/${field}`;

type UniqueViolation = { driverError?: { code?: string; constraint?: string } };

/**
 * The regions' group channels (WeCom and DingTalk robots): admin routes, and
 * the lookup the delivery pipeline sends with. Credentials are sealed with
 * NOTIFY_SECRET_KEY before they are written and opened only to send.
 */
@Injectable()
export class NotificationChannelsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(NotificationChannelsService.name);
  private readonly box: SecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly regions: RegionsService,
    private readonly targets: WebhookTargets,
  ) {
    this.box = new SecretBox(config.notifications.secretKey, config.notifications.previousSecretKey);
  }

  /** Channels stored and no key to open them: said once at start, loudly, rather than at the first alert. */
  async onApplicationBootstrap(): Promise<void> {
    if (this.box.canSeal) return;
    const n = await liveChannelCount(this.dataSource.manager);
    if (n) this.logger.error(`${n} notification channel(s) are configured but NOTIFY_SECRET_KEY is not set: none of them can send`);
  }

  async create(auth: AuthContext, dto: CreateNotificationChannelDto): Promise<NotificationChannelDto> {
    this.regions.assertKnown('region', dto.region);
    this.assertSecretFits(dto.type, dto.secret);
    const url = await this.checkedUrl(dto.type, dto.webhookUrl);
    if (!this.box.canSeal) throw secretKeyMissing();
    const id = randomUUID();
    const row = await this.dataSource
      .transaction(async (em) => {
        const created = await insertChannel(em, {
          id,
          region: dto.region,
          type: dto.type,
          name: dto.name,
          webhookUrlSealed: this.box.seal(url, sealContext(id, 'webhook_url')),
          webhookUrlHint: maskedRobotUrl(url),
          secretSealed: dto.secret ? this.box.seal(dto.secret, sealContext(id, 'secret')) : null,
          active: dto.active ?? true,
          createdBy: auth.staffId,
        });
        await this.audit.record(em, auth, {
          action: 'notification_channel.created',
          entity: 'notification_channel',
          entityId: id,
          // the masked address and whether there is a secret: never the credentials
          changes: {
            region: created.region,
            type: created.type,
            name: created.name,
            webhookUrl: created.webhookUrlHint,
            signed: created.hasSecret,
            active: created.active,
          },
          regions: [created.region],
        });
        await recordOutcome(em, { resource: apiPath('notification-channels', id) });
        return created;
      })
      .catch((err: UniqueViolation) => {
        if (err.driverError?.code === '23505' && err.driverError.constraint === CHANNEL_NAME_INDEX)
          throw channelNameTaken(dto.region, dto.name);
        throw err;
      });
    return this.view(row);
  }

  async list(q: NotificationChannelQuery): Promise<Page<NotificationChannelDto>> {
    const { rows, total } = await channelPage(this.dataSource.manager, q, q.limit, q.offset);
    return { items: rows.map((r) => this.view(r)), total, limit: q.limit, offset: q.offset };
  }

  /** Deleted channels are still found (with deletedAt). */
  async get(id: string): Promise<NotificationChannelDto> {
    const row = await channelById(this.dataSource.manager, id);
    if (!row) throw channelNotFound(id);
    return this.view(row);
  }

  /** Absent fields keep their value; a new address or secret is checked and sealed like one given at creation. */
  async update(auth: AuthContext, id: string, dto: UpdateNotificationChannelDto): Promise<NotificationChannelDto> {
    const before = await liveSealedChannel(this.dataSource.manager, id);
    if (!before) throw channelNotFound(id);
    if (dto.secret !== undefined) this.assertSecretFits(before.type, dto.secret);
    const url = dto.webhookUrl !== undefined ? await this.checkedUrl(before.type, dto.webhookUrl) : undefined;
    if ((url !== undefined || dto.secret !== undefined) && !this.box.canSeal) throw secretKeyMissing();
    const row = await this.dataSource
      .transaction(async (em) => {
        const locked = await lockLiveChannel(em, id);
        if (!locked) throw channelNotFound(id);
        const changes: Partial<NotificationChannel> = {
          name: dto.name,
          active: dto.active,
          updatedBy: auth.staffId,
          ...(url !== undefined
            ? { webhookUrlSealed: this.box.seal(url, sealContext(id, 'webhook_url')), webhookUrlHint: maskedRobotUrl(url) }
            : {}),
          ...(dto.secret !== undefined ? { secretSealed: this.box.seal(dto.secret, sealContext(id, 'secret')) } : {}),
        };
        const updated = await guardedUpdate(em, NotificationChannel, { id }, dto.expectedVersion, changes, 'notification channel');
        const shown = (r: ChannelRow) => ({ name: r.name, active: r.active, webhookUrl: r.webhookUrlHint });
        await this.audit.record(em, auth, {
          action: 'notification_channel.updated',
          entity: 'notification_channel',
          entityId: id,
          changes: {
            ...changedFields(shown(locked), shown(updated)),
            // which credentials were replaced, never their values
            ...(url !== undefined || dto.secret !== undefined
              ? { replaced: [...(url !== undefined ? ['webhookUrl'] : []), ...(dto.secret !== undefined ? ['signingKey'] : [])] }
              : {}),
          },
          regions: [locked.region],
        });
        return updated;
      })
      .catch((err: UniqueViolation) => {
        if (err.driverError?.code === '23505' && err.driverError.constraint === CHANNEL_NAME_INDEX)
          throw channelNameTaken(before.region, dto.name ?? before.name);
        throw err;
      });
    return this.view(row);
  }

  /** Soft delete: nothing more is sent to it. Deleting twice is not an error (and is not audited twice). */
  async remove(auth: AuthContext, id: string): Promise<void> {
    await this.dataSource.transaction(async (em) => {
      const deleted = await softDeleteChannel(em, id, auth.staffId);
      if (!deleted) {
        if (!(await channelById(em, id))) throw channelNotFound(id);
        return;
      }
      await this.audit.record(em, auth, {
        action: 'notification_channel.deleted',
        entity: 'notification_channel',
        entityId: id,
        changes: { region: deleted.region, type: deleted.type, name: deleted.name },
        regions: [deleted.region],
      });
    });
  }

  /**
   * The robots a message about `region` goes to: for each robot type, the
   * active channels of the most specific region that has one (the district's,
   * else its city's, else its province's). Credentials opened. A channel whose
   * credentials cannot be opened (no key, another key) is left out and
   * logged, naming its id.
   */
  async groupChannelsFor(region: string, type?: GroupChannelType, db: Db = this.dataSource.manager): Promise<GroupChannelTarget[]> {
    const chain = this.regions.chain(region).map((r) => r.code);
    if (!chain.length) return [];
    // `db`: the caller's transaction, when it holds one (a second connection from the pool could wait forever on a full pool).
    const found = await activeChannelsIn(db, chain, type);
    const depth = (row: SealedChannelRow) => chain.indexOf(row.region);
    const nearest = new Map<GroupChannelType, number>();
    for (const row of found) nearest.set(row.type, Math.min(nearest.get(row.type) ?? Infinity, depth(row)));
    return found.filter((row) => depth(row) === nearest.get(row.type)).flatMap((row) => this.opened(row) ?? []);
  }

  /** One channel by id, credentials opened, if it is live and active (and they open). */
  async target(channelId: string): Promise<GroupChannelTarget | undefined> {
    const row = await liveSealedChannel(this.dataSource.manager, channelId);
    return row?.active ? this.opened(row) : undefined;
  }

  private opened(row: SealedChannelRow): GroupChannelTarget | undefined {
    try {
      return {
        channelId: row.id,
        region: row.region,
        type: row.type,
        name: row.name,
        webhookUrl: this.box.open(row.webhookUrlSealed, sealContext(row.id, 'webhook_url')),
        secret: row.secretSealed ? this.box.open(row.secretSealed, sealContext(row.id, 'secret')) : null,
      };
    } catch (err) {
      const why = err instanceof SecretKeyMissing ? 'NOTIFY_SECRET_KEY is not set' : (err as Error).message;
      this.logger.error(`notification channel ${row.id} (${row.region} ${row.type}) cannot be used: ${why}`);
      return undefined;
    }
  }

  /** DingTalk robots sign every message: a secret is required. WeCom robots have none to give. */
  private assertSecretFits(type: GroupChannelType, secret: string | undefined): void {
    if (type === 'dingtalk_robot' && !secret) {
      throw invalidFields({ field: 'secret', message: 'is required for a DingTalk robot (its signing secret, SEC…)' });
    }
    if (type === 'wecom_robot' && secret !== undefined) {
      throw invalidFields({ field: 'secret', message: 'a WeCom robot has no signing secret: its key is in webhookUrl' });
    }
  }

  /** The address, normalised, once it has the type's credential and passes the SSRF guard. */
  private async checkedUrl(type: GroupChannelType, raw: string): Promise<string> {
    const problem = robotUrlProblem(type, raw);
    if (problem) throw invalidFields({ field: 'webhookUrl', message: problem });
    const check = await this.targets.check(raw, AbortSignal.timeout(this.config.notifications.httpTimeoutMs));
    if (!check.ok) throw channelUrlRefused(check.reason);
    return check.url.toString();
  }

  private view(row: ChannelRow): NotificationChannelDto {
    return {
      id: row.id,
      region: row.region,
      regionName: this.regions.find(row.region)?.fullName ?? row.region,
      type: row.type,
      name: row.name,
      webhookUrl: row.webhookUrlHint,
      hasSecret: row.hasSecret,
      active: row.active,
      version: row.version,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      deletedAt: row.deletedAt,
    };
  }
}
