import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { guardedUpdate } from '../common/guarded-update';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import type { ChinaDay } from './calendar-definition';
import { firstDifference } from './calendar-definition';
import { ChinaStatutoryYear } from './calendar.entities';
import { calendarChangedEvent } from './calendar-events';
import {
  allChinaYears,
  bumpGeneration,
  calendarsFollowingChina,
  deleteChinaDaysOfYear,
  insertChinaDays,
  insertChinaYear,
  lockGeneration,
  packageChinaDays,
} from './calendars.repository';
import { CHINA_HOLIDAYS_SOURCE, chinaHolidayExceptions, yearsCovered } from './china-holidays';

/**
 * Loads the statutory days of the installed `chinese-days` package into the
 * shared table (china_statutory_days), at every start, before the calendar
 * snapshot is read. Idempotent: a year whose rows already agree with the
 * package is not written, so an ordinary start writes nothing. A year
 * entered by hand (china_statutory_years.source = 'manual') is never
 * touched: entries made by hand win over the package. A year the package
 * covers for the first time (a newer package with next year's schedule), or
 * whose days it has corrected, is (re)loaded, with one `calendar.changed`
 * event and one audit row per year.
 */
@Injectable()
export class ChinaDaysLoader {
  private readonly logger = new Logger(ChinaDaysLoader.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
  ) {}

  /** Loads what differs from the package; returns the years (re)loaded. */
  async load(): Promise<number[]> {
    const post = new PostCommit();
    const loaded = await this.dataSource.transaction(async (em) => {
      // Processes starting at once: one loads, the others then find nothing to do.
      await lockGeneration(em);
      const years = new Map((await allChinaYears(em)).map((y) => [y.year, y]));
      const rows = new Map<number, ChinaDay[]>();
      for (const d of await packageChinaDays(em)) {
        const year = Number(d.date.slice(0, 4));
        rows.set(year, [...(rows.get(year) ?? []), d]);
      }
      const changes: { year: number; version: number; changedFrom: string }[] = [];
      for (const year of yearsCovered()) {
        const row = years.get(year);
        if (row?.source === 'manual') continue;
        const days = chinaHolidayExceptions(year);
        const changedFrom = firstDifference(rows.get(year) ?? [], days);
        if (row && changedFrom === null) continue;
        let version = 1;
        if (!row) await insertChinaYear(em, year, { source: 'package', loadedFrom: CHINA_HOLIDAYS_SOURCE });
        else {
          await deleteChinaDaysOfYear(em, year);
          const after = await guardedUpdate(
            em,
            ChinaStatutoryYear,
            { year },
            row.version,
            { loadedFrom: CHINA_HOLIDAYS_SOURCE, updatedBy: null },
            'statutory year',
          );
          version = after.version;
        }
        await insertChinaDays(em, year, days, 'package', CHINA_HOLIDAYS_SOURCE);
        changes.push({ year, version, changedFrom: changedFrom ?? `${year}-01-01` });
      }
      if (!changes.length) return [];
      await bumpGeneration(em);
      const keys = await calendarsFollowingChina(em);
      for (const c of changes) {
        await this.audit.record(em, null, {
          action: 'calendar.china_days_loaded',
          entity: 'china_statutory_year',
          entityId: String(c.year),
          changes: { loadedFrom: CHINA_HOLIDAYS_SOURCE, changedFrom: c.changedFrom },
          regions: [], // applies everywhere: for nationwide readers
        });
        await this.outbox.emit(
          em,
          post,
          'calendar.changed',
          calendarChangedEvent({
            keys,
            calendarKey: null,
            year: c.year,
            version: c.version,
            change: 'china_days',
            fields: [],
            changedFrom: c.changedFrom,
          }),
        );
      }
      return changes.map((c) => c.year);
    });
    await post.run();
    if (loaded.length) this.logger.log(`loaded China's statutory days of ${loaded.join(', ')} from ${CHINA_HOLIDAYS_SOURCE}`);
    return loaded;
  }
}
