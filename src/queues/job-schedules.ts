import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { clamp } from '../common/clamp';

export interface Schedule {
  id: string;
  every: number;
}

/**
 * Keeps job schedulers alive.
 *
 * A job scheduler lives in Redis: its hash, its entry in the `repeat` set and
 * the delayed job of its next run. A FLUSHALL removes all three and nothing
 * in BullMQ brings them back; and since a worker schedules the next run only
 * when it picks up the current one, a worker killed at that moment leaves a
 * scheduler whose `next` lies in the past. So every worker upserts its
 * schedulers at boot, then checks them on a plain timer (which needs no Redis
 * to survive) and upserts any that is missing, has another period, or is long
 * overdue. Upserting is idempotent, so many workers doing it is harmless.
 */
export class SchedulerKeeper {
  private timer?: NodeJS.Timeout;
  private checking = false;

  constructor(
    private readonly queue: Queue,
    private readonly schedules: Schedule[],
    private readonly logger: Logger,
    /** How often to check; by default the shortest period, within 1-30 s. */
    readonly checkEveryMs = clamp(Math.min(...schedules.map((s) => s.every)), 1_000, 30_000),
  ) {}

  start(): () => void {
    void this.ensure(true);
    this.timer = setInterval(() => void this.ensure(false), this.checkEveryMs);
    this.timer.unref();
    return () => this.stop();
  }

  stop(): void {
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
          const current = await this.queue.getJobScheduler(id);
          const stalled = current?.next !== undefined && current.next < Date.now() - Math.max(3 * every, 10_000);
          if (current && current.every === every && !stalled) continue;
          this.logger.warn(`job scheduler ${id} is ${current ? (stalled ? 'stalled' : 'changed') : 'missing'}: upserting it again`);
        }
        await this.queue.upsertJobScheduler(
          id,
          { every },
          { name: id, data: {}, opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 } },
        );
        upserted.push(id);
      }
    } catch (err) {
      this.logger.error({ err }, `could not check the job schedulers of ${this.queue.name}; retrying on the next tick`);
    } finally {
      this.checking = false;
    }
    return upserted;
  }
}

/** One scheduler kept alive; returns the function that stops keeping it (call it on shutdown). */
export function keepScheduled(queue: Queue, id: string, everyMs: number, logger: Logger): () => void {
  return new SchedulerKeeper(queue, [{ id, every: everyMs }], logger).start();
}
