import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { chinaDate } from '../common/time/china-days';
import { CalendarBroadcast } from './calendar-broadcast';
import { CalendarClock } from './calendar-clock';
import { CalendarSnapshot } from './calendar-snapshot';
import type { SnapshotRows } from './calendar-snapshot';
import { CalendarError, CalendarErrorCode } from './calendars.errors';
import { allCalendars, allChinaDays, allOwnDays, readGeneration, yearsWithData } from './calendars.repository';
import { ChinaDaysLoader } from './china-days-loader';
import type { CompiledCalendar } from './working-time';

/** What a change listener hears: every calendar whose working time may have moved. */
export interface CalendarChange {
  keys: string[];
}

/**
 * The calendars every process computes working time with (docs/ARCHITECTURE.md,
 * "Calendars"). Compiled calendars are held in an in-memory snapshot, so that
 * a due time at intake costs microseconds and no query. The snapshot is
 * loaded before the application starts (onModuleInit: other modules' init
 * can use it) and follows PostgreSQL:
 * - in the process that made a change, at once, after its commit
 *   (`changed()`, awaited before the request answers);
 * - in every other process (API and workers run apart) when the Redis
 *   announcement arrives, typically within milliseconds;
 * - and, should an announcement be lost (Redis away), at the next poll of
 *   the generation row: every CALENDAR_REFRESH_SECONDS (30 s by default).
 * So a process is never staler than CALENDAR_REFRESH_SECONDS plus the time
 * of one reload; with PostgreSQL unreachable it keeps its last snapshot.
 */
@Injectable()
export class CalendarsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(CalendarsService.name);
  private snapshot = CalendarSnapshot.EMPTY;
  private readonly listeners: ((change: CalendarChange) => void)[] = [];
  private inFlight: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private poll?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly loader: ChinaDaysLoader,
    private readonly broadcast: CalendarBroadcast,
    private readonly clock: CalendarClock,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.loader.load();
    await this.reload();
    this.broadcast.start(
      (generation) => {
        if (generation > this.snapshot.generation) this.refreshQuietly();
      },
      () => this.refreshQuietly(),
    );
    this.poll = setInterval(() => this.refreshQuietly(), this.config.calendars.refreshSeconds * 1000);
    this.poll.unref();
  }

  onModuleDestroy(): void {
    if (this.poll) clearInterval(this.poll);
  }

  /** The compiled calendar `key` from the in-process snapshot (synchronous: intake computes due times with it). Throws CalendarError CALENDAR_NOT_FOUND (404) for an unknown key. */
  compiled(key: string): CompiledCalendar {
    return this.entry(key).compiled;
  }

  /** Working time of one standard working day of calendar `key` in ms (workday: 9 h; 24x7: 24 h): "N working days" is N of these. */
  workingDayMs(key: string): number {
    return this.entry(key).workingDayMs;
  }

  /** True if `key` exists (DTO validation of policy calendar names). */
  has(key: string): boolean {
    return this.snapshot.entries.has(key);
  }

  /** Listeners called after any calendar or the shared China table changed (in this process after commit, in other processes when they hear of it): { keys: string[] } — every calendar whose working time may have moved (a change to the shared table names every calendar that follows it). */
  onChange(listener: (change: { keys: string[] }) => void): void {
    this.listeners.push(listener);
  }

  /** Every calendar key in the snapshot, sorted. */
  keys(): string[] {
    return [...this.snapshot.entries.keys()].sort();
  }

  /**
   * From 1 December (China date), next year when China's table has no data
   * for it (neither from the package nor entered by hand); otherwise null.
   * Read from the snapshot: what `/health/ready` reports.
   */
  nextYearMissing(now: Date = this.clock.now()): number | null {
    const today = chinaDate(now);
    if (today.slice(5, 7) !== '12') return null;
    const next = Number(today.slice(0, 4)) + 1;
    return this.snapshot.years.has(next) ? null : next;
  }

  /**
   * After a commit that changed the calendars tables: this process's snapshot
   * now, the other processes through Redis. Never throws (the change is
   * committed; a failed reload is retried by the poll).
   */
  async changed(): Promise<void> {
    try {
      await this.refresh();
    } catch (err) {
      this.logger.error({ err }, `could not reload the calendars after a change; retrying every ${this.config.calendars.refreshSeconds} s`);
    }
    await this.broadcast.publish(this.snapshot.generation);
  }

  /**
   * Reads the generation and, if it moved, the calendars again. One reload
   * at a time; a caller arriving during one gets the next, which starts after
   * it, so every caller sees what was committed before it asked.
   */
  refresh(): Promise<void> {
    if (this.queued) return this.queued;
    if (!this.inFlight) {
      this.inFlight = this.reloadIfMoved().finally(() => (this.inFlight = null));
      return this.inFlight;
    }
    this.queued = this.inFlight
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.refresh();
      });
    return this.queued;
  }

  private refreshQuietly(): void {
    this.refresh().catch((err: Error) => this.logger.warn(`calendar refresh failed, keeping the current snapshot: ${err.message}`));
  }

  private entry(key: string) {
    const entry = this.snapshot.entries.get(key);
    if (!entry) throw new CalendarError(CalendarErrorCode.CALENDAR_NOT_FOUND, `No calendar ${key}`);
    return entry;
  }

  private async reloadIfMoved(): Promise<void> {
    if ((await readGeneration(this.dataSource.manager)) <= this.snapshot.generation) return;
    await this.reload();
  }

  /** Reads every table in one snapshot of the database (REPEATABLE READ), builds, installs if newer, tells the listeners. */
  private async reload(): Promise<void> {
    const rows = await this.dataSource.transaction('REPEATABLE READ', async (em): Promise<SnapshotRows | null> => {
      const generation = await readGeneration(em);
      if (generation <= this.snapshot.generation) return null;
      const calendars = await allCalendars(em);
      const ownDays = await allOwnDays(em);
      const chinaDays = await allChinaDays(em);
      return { generation, calendars, ownDays, chinaDays, years: await yearsWithData(em) };
    });
    if (!rows || rows.generation <= this.snapshot.generation) return;
    const first = this.snapshot === CalendarSnapshot.EMPTY;
    const { snapshot, changed } = CalendarSnapshot.build(rows, this.snapshot, (key, err) =>
      this.logger.error({ err }, `calendar ${key} does not compile; keeping its previous version`),
    );
    this.snapshot = snapshot;
    if (first || !changed.length) return;
    for (const listener of this.listeners) {
      try {
        listener({ keys: [...changed] });
      } catch (err) {
        this.logger.error({ err }, 'a calendar change listener failed');
      }
    }
  }
}
