import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { clamp } from '../common/clamp';
import { CHINA_TIME_ZONE } from '../common/time/china-days';

/** A job run every `every` ms, or at the times of a cron `pattern` in the zone `tz` (a daily run at 09:00 China time). */
export type Schedule = { id: string; every: number } | { id: string; pattern: string; tz: string };

/** How late a run may be before its scheduler counts as stalled: three periods, or ten minutes for a pattern. */
const stallAfterMs = (s: Schedule) => ('every' in s ? Math.max(3 * s.every, 10_000) : 10 * 60_000);
const PATTERN_CHECK_MS = 30_000;

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
    readonly checkEveryMs = clamp(Math.min(...schedules.map((s) => ('every' in s ? s.every : PATTERN_CHECK_MS))), 1_000, 30_000),
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
      for (const schedule of this.schedules) {
        const { id } = schedule;
        const repeat = 'every' in schedule ? { every: schedule.every } : { pattern: schedule.pattern, tz: schedule.tz };
        if (!force) {
          const current = await this.queue.getJobScheduler(id);
          const stalled = current?.next !== undefined && current.next < Date.now() - stallAfterMs(schedule);
          const same =
            'every' in schedule ? current?.every === schedule.every : current?.pattern === schedule.pattern && current?.tz === schedule.tz;
          if (current && same && !stalled) continue;
          this.logger.warn(`job scheduler ${id} is ${current ? (stalled ? 'stalled' : 'changed') : 'missing'}: upserting it again`);
        }
        await this.queue.upsertJobScheduler(id, repeat, {
          name: id,
          data: {},
          opts: { attempts: 1, removeOnComplete: true, removeOnFail: 100 },
        });
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
export function keepScheduled(queue: Queue, schedule: Schedule, logger: Logger): () => void {
  return new SchedulerKeeper(queue, [schedule], logger).start();
}

/**
 * A schedule at `runAt` ('HH:MM', China time) every day, as a cron pattern
 * read in Asia/Shanghai: the run is at that time of day in China whatever
 * the zone of the server or of Redis.
 */
export function dailyAtChinaTime(runAt: string): { pattern: string; tz: string } {
  const [hours, minutes] = runAt.split(':').map(Number);
  return { pattern: `${minutes} ${hours} * * *`, tz: CHINA_TIME_ZONE };
}
