import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { retryDelayMs } from '../../common/retry-delay';
import { AppConfig } from '../../config/app-config';
import { QueueName } from '../../queues/queue-names';
import { ChannelTransports } from '../channels/channel-transports.service';
import { NotificationChannelsService } from '../notification-channels.service';
import { NotificationTemplatesService } from '../notification-templates.service';
import type { ChannelMessage, RenderedMessage } from '../notifications.port';
import type { AttemptResult, DigestDelivery, DigestRow } from './delivery-log.repository';
import { claimAttempt, deliveriesToSend, lockDigest, postpone, rateLimitWaitMs, recordAttempt } from './delivery-log.repository';
import { enqueueDigests } from './notification-jobs';

export type SendOutcomeKind =
  | { kind: 'sent' | 'failed' | 'dead' | 'stale' }
  /** Not due yet (a digest window, a backoff or a rate limit): sleep this long under the same job. */
  | { kind: 'early'; waitMs: number };

/** The longest backoff between two attempts. */
/** A message the digest cannot be turned into: final, no attempt would do better. */
class Unsendable extends Error {}

/**
 * Sends one attempt of one digest (docs/ARCHITECTURE.md, "Notification
 * pipeline"). Three steps, the first and last in PostgreSQL:
 * 1. claim: lock the digest; go away unless this is its next attempt and it
 *    is due; render the message from its rows; wait if the channel's rate
 *    limit (ChannelTransports.rateLimitOf, counted on the attempts table under
 *    the key's advisory lock) is full; else count the attempt and take a
 *    lease. Rows that arrive after this join the next digest.
 * 2. send, outside any transaction;
 * 3. record the outcome if the lease is still ours: sent, failed with the
 *    next attempt scheduled (exponential backoff), or dead.
 */
@Injectable()
export class DigestSender {
  private readonly logger = new Logger(DigestSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(QueueName.notifications) private readonly queue: Queue,
    private readonly transports: ChannelTransports,
    private readonly channels: NotificationChannelsService,
    private readonly templates: NotificationTemplatesService,
    private readonly config: AppConfig,
  ) {}

  async attempt(digestId: string, attempt: number): Promise<SendOutcomeKind> {
    const { leaseMs } = this.config.notifications.pipeline;
    type Claim = null | 'changed' | { early: number } | { dead: string } | { message: ChannelMessage; maxAttempts: number };
    let claimed: Claim = 'changed';
    // The message is built before the claim's transaction: rendering and opening a robot's credentials read
    // PostgreSQL too, and a transaction that waits for a second connection could wait forever on a full pool.
    // Inside, under the digest's lock, the rows are read again; if some joined meanwhile, build again.
    for (let tries = 0; claimed === 'changed' && tries < 5; tries++) {
      const digest = await lockDigest(this.dataSource.manager, digestId, false);
      if (!digest || (digest.state !== 'pending' && digest.state !== 'failed') || digest.attempts !== attempt - 1) return { kind: 'stale' };
      if (digest.wait_ms > 0) return { kind: 'early', waitMs: digest.wait_ms };
      const rows = await deliveriesToSend(this.dataSource.manager, digestId);
      let built: ChannelMessage | { unsendable: string };
      try {
        if (!rows.length) throw new Unsendable('nothing left to send');
        built = await this.messageOf(digest, rows);
      } catch (err) {
        // A template that no longer renders, a robot deleted since: final. An admin can retry once it is fixed.
        built = { unsendable: err instanceof Unsendable ? err.message : `cannot build the message: ${(err as Error).message}` };
      }
      const renderedIds = rows.map((r) => r.id).join(',');
      claimed = await this.dataSource.transaction(async (em): Promise<Claim> => {
        const locked = await lockDigest(em, digestId);
        if (!locked || (locked.state !== 'pending' && locked.state !== 'failed') || locked.attempts !== attempt - 1) return null;
        if (locked.wait_ms > 0) return { early: locked.wait_ms };
        if ((await deliveriesToSend(em, digestId)).map((r) => r.id).join(',') !== renderedIds) return 'changed';
        if ('unsendable' in built) {
          await claimAttempt(em, digestId, attempt, null, leaseMs);
          await recordAttempt(em, digestId, attempt, { state: 'dead', error: built.unsendable });
          return { dead: built.unsendable };
        }
        const limit = this.transports.rateLimitOf(built);
        if (limit) {
          const waitMs = await rateLimitWaitMs(em, limit.key, limit.max, limit.perMs);
          if (waitMs > 0) {
            await postpone(em, digestId, waitMs);
            return { early: waitMs };
          }
        }
        await claimAttempt(em, digestId, attempt, limit?.key ?? null, leaseMs);
        return { message: built, maxAttempts: locked.max_attempts };
      });
    }
    if (!claimed) return { kind: 'stale' };
    if (claimed === 'changed') return { kind: 'early', waitMs: 100 }; // rows keep joining: try again shortly
    if ('early' in claimed) return { kind: 'early', waitMs: claimed.early };
    if ('dead' in claimed) {
      this.logger.warn(`notification digest ${digestId} is dead: ${claimed.dead}`);
      return { kind: 'dead' };
    }

    const outcome = await this.transports.send(claimed.message);
    const result: AttemptResult = outcome.accepted
      ? {
          state: 'sent',
          providerMessageId: outcome.providerMessageId ?? null,
          providerMessageIds: outcome.providerMessageIds ?? (outcome.providerMessageId ? [outcome.providerMessageId] : null),
        }
      : outcome.retryable && attempt < claimed.maxAttempts
        ? {
            state: 'failed',
            error: outcome.error ?? 'not accepted',
            retryInMs: retryDelayMs(attempt, this.config.notifications.pipeline.retryBaseMs),
          }
        : { state: 'dead', error: outcome.error ?? 'not accepted' };
    const recorded = await this.dataSource.transaction((em) => recordAttempt(em, digestId, attempt, result));
    if (!recorded) {
      // The lease ran out first: the sweep has counted this attempt as in doubt and scheduled the next.
      this.logger.warn(`notification digest ${digestId} attempt ${attempt} outlived its lease; it is recorded as in doubt`);
      return { kind: 'stale' };
    }
    if (result.state === 'failed') {
      await enqueueDigests(this.queue, [{ data: { digestId, attempt: attempt + 1 }, delayMs: result.retryInMs }]).catch((err: unknown) =>
        this.logger.warn({ err, digestId }, 'could not enqueue the next attempt; the sweep will'),
      );
    }
    return { kind: result.state };
  }

  /** base × 2^(attempt−1), capped at an hour. */
  /** The rows as one message: the event's own template for one, the digest template for several. */
  private async messageOf(digest: DigestRow, rows: DigestDelivery[]): Promise<ChannelMessage> {
    const channel = digest.channel;
    const rendered: RenderedMessage =
      rows.length === 1
        ? await this.templates.render(rows[0].facts.eventType, channel, rows[0].facts)
        : await this.templates.render('digest', channel, { items: rows.map((r) => r.facts) });
    const latest = rows[rows.length - 1];
    switch (channel) {
      case 'sms':
        if (!latest.address) throw new Unsendable('no mobile');
        return { channel, to: latest.address, text: rendered.text };
      case 'email':
        if (!latest.address) throw new Unsendable('no e-mail address');
        return { channel, to: [latest.address], subject: rendered.subject ?? '', text: rendered.text, html: rendered.html };
      case 'wecom':
      case 'dingtalk': {
        const robot = latest.group_channel_id ? await this.channels.target(latest.group_channel_id) : undefined;
        if (!robot) throw new Unsendable('the group channel is deleted, inactive or cannot be opened');
        const mentions = [...new Map(rows.flatMap((r) => r.mentions).map((m) => [m.staffId, m])).values()];
        if (channel === 'wecom') {
          return {
            channel,
            robot,
            markdown: rendered.text,
            mentionUserIds: mentions.flatMap((m) => (m.wecomUserId ? [m.wecomUserId] : [])),
          };
        }
        return {
          channel,
          robot,
          title: rendered.subject ?? '',
          markdown: rendered.text,
          atMobiles: mentions.flatMap((m) => (m.mobile && !m.dingtalkUserId ? [m.mobile] : [])),
          atUserIds: mentions.flatMap((m) => (m.dingtalkUserId ? [m.dingtalkUserId] : [])),
        };
      }
    }
  }
}
