import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { QueueName } from '../queues/queue-names';

export const RELAY_POLL = 'relay-poll';
export const DELIVERY_SWEEP = 'delivery-sweep';

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/**
 * Keeps the two job schedulers of the outbox queue alive (worker only).
 *
 * A job scheduler lives in Redis: its hash, its entry in the `repeat` set and
 * the delayed job of its next run. A FLUSHALL (or deleting the queue's keys)
 * removes all three, and nothing in BullMQ brings them back; and since the
 * worker schedules the next run only when it picks up the current one, a
 * worker killed at that moment leaves a scheduler whose `next` lies in the
 * past. So every worker upserts them at boot and then checks them on a
 * timer (a plain setInterval, which needs no Redis to survive): a scheduler
 * that is missing, has another period, or whose next run is long overdue is
 * upserted again. Upserting is idempotent (same id), so many workers doing it
 * at once is harmless; the check itself is one cheap read per scheduler.
 */
@Injectable()
export class WebhookSchedulers implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WebhookSchedulers.name);
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    @InjectQueue(QueueName.outbox) private readonly outbox: Queue,
    private readonly config: AppConfig,
  ) {}

  /** What each scheduler should be: the relay poll every OUTBOX_POLL_MS, the sweep 1-5 s. */
  get schedules(): { id: typeof RELAY_POLL | typeof DELIVERY_SWEEP; every: number }[] {
    const poll = this.config.events.outboxPollMs;
    return [
      { id: RELAY_POLL, every: poll },
      { id: DELIVERY_SWEEP, every: clamp(5 * poll, 1_000, 5_000) },
    ];
  }

  /** How often the timer checks: 5 poll periods, 1-30 s. */
  get checkEveryMs(): number {
    return clamp(5 * this.config.events.outboxPollMs, 1_000, 30_000);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensure(true);
    this.timer = setInterval(() => void this.ensure(false), this.checkEveryMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }

  /** Upserts each scheduler that is missing, changed or stalled (all of them when `force`). Returns those upserted. */
  async ensure(force = false): Promise<string[]> {
    if (this.checking) return [];
    this.checking = true;
    const upserted: string[] = [];
    try {
      for (const { id, every } of this.schedules) {
        if (!force) {
          const current = await this.outbox.getJobScheduler(id);
          const stalled = current?.next !== undefined && current.next < Date.now() - Math.max(3 * every, 10_000);
          if (current && current.every === every && !stalled) continue;
          this.logger.warn(`job scheduler ${id} is ${current ? (stalled ? 'stalled' : 'changed') : 'missing'}: upserting it again`);
        }
        await this.outbox.upsertJobScheduler(id, { every }, { name: id, data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } });
        upserted.push(id);
      }
    } catch (err) {
      this.logger.error({ err }, 'could not check the outbox job schedulers; retrying on the next tick');
    } finally {
      this.checking = false;
    }
    return upserted;
  }
}
