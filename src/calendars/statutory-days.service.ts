import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields, staleVersion } from '../common/errors/common-errors';
import type { FieldError } from '../common/errors/domain-error';
import { guardedUpdate } from '../common/guarded-update';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { firstDifference, isCalendarDate } from './calendar-definition';
import { ChinaStatutoryYear } from './calendar.entities';
import { calendarChangedEvent } from './calendar-events';
import { toChinaYearDto } from './calendar-views';
import { CalendarError, CalendarErrorCode } from './calendars.errors';
import {
  bumpGeneration,
  calendarsFollowingChina,
  chinaDaysOfYear,
  chinaYear,
  deleteChinaDaysOfYear,
  deleteChinaYear,
  insertChinaDays,
  insertChinaYear,
  lockChinaYear,
} from './calendars.repository';
import { CalendarsService } from './calendars.service';
import { CHINA_HOLIDAYS_SOURCE, chinaHolidayExceptions, isYearCovered } from './china-holidays';
import type { ChinaDayInput, ChinaYearDto, PutChinaYearDto } from './dto/calendar.dto';

const LABEL = 'statutory year';

/** A year in the path: four digits, 1900 to 9999 (what the calendar arithmetic supports). */
function readYear(value: string): number {
  const year = /^\d{4}$/.test(value) ? Number(value) : NaN;
  if (!(year >= 1900)) throw invalidFields({ field: 'year', message: 'must be a year from 1900 to 9999' });
  return year;
}

/** Every date a real date in `year`, each once. */
function checkDays(year: number, days: ChinaDayInput[]): void {
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    const field = `days[${i}].date`;
    if (!isCalendarDate(d.date)) return errors.push({ field, message: 'is not a valid date' });
    if (Number(d.date.slice(0, 4)) !== year) return errors.push({ field, message: `is not in ${year}` });
    const first = seen.get(d.date);
    if (first !== undefined) return errors.push({ field, message: `${d.date} is already in days[${first}]` });
    seen.set(d.date, i);
  });
  if (errors.length) throw invalidFields(...errors);
}

/**
 * China's shared table of statutory holidays and make-up working days
 * (china_statutory_days), by year. The package's years are loaded at start
 * (ChinaDaysLoader); an admin enters a year the package does not have yet
 * (the State Council publishes next year's schedule around the turn of the
 * year), or corrects one: a year entered by hand is owned by hand from then
 * on, and the package's days are not loaded for it, until it is given back.
 */
@Injectable()
export class StatutoryDaysService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly calendars: CalendarsService,
  ) {}

  async year(value: string): Promise<ChinaYearDto> {
    const year = readYear(value);
    const em = this.dataSource.manager;
    return toChinaYearDto(year, await chinaYear(em, year), await chinaDaysOfYear(em, year));
  }

  /** Replaces the year's days with `dto.days`, entered by hand: the year is owned by hand from now on. */
  async enter(auth: AuthContext, value: string, dto: PutChinaYearDto): Promise<ChinaYearDto> {
    const year = readYear(value);
    checkDays(year, dto.days);
    const days = [...dto.days].sort((a, b) => (a.date < b.date ? -1 : 1)).map((d) => ({ date: d.date, type: d.type, name: d.name }));
    return this.change(async (em) => {
      const row = await lockChinaYear(em, year);
      const current = row?.version ?? 0;
      if (dto.expectedVersion !== undefined && dto.expectedVersion !== current) throw staleVersion(LABEL, dto.expectedVersion, current);
      const before = await chinaDaysOfYear(em, year);
      let after: ChinaStatutoryYear;
      if (row) {
        after = await guardedUpdate(
          em,
          ChinaStatutoryYear,
          { year },
          row.version,
          { source: 'manual', loadedFrom: null, updatedBy: auth.staffId },
          LABEL,
        );
      } else {
        // the generation row is held, so nobody else can insert it meanwhile
        await insertChinaYear(em, year, { source: 'manual', updatedBy: auth.staffId });
        after = (await chinaYear(em, year))!;
      }
      await deleteChinaDaysOfYear(em, year);
      await insertChinaDays(em, year, days, 'manual', null);
      const changedFrom = firstDifference(before, days) ?? `${year}-01-01`;
      await this.audit.record(em, auth, {
        action: 'calendar.china_year_entered',
        entity: 'china_statutory_year',
        entityId: String(year),
        changes: { source: { from: row?.source ?? null, to: 'manual' }, days: days.length, changedFrom },
        regions: [],
      });
      return { year, version: after.version, changedFrom, result: toChinaYearDto(year, after, await chinaDaysOfYear(em, year)) };
    });
  }

  /**
   * Gives a year entered by hand back to the package: its days are replaced
   * by the package's at once if the package covers the year; otherwise the
   * year has no data again.
   */
  async release(auth: AuthContext, value: string, expectedVersion: number): Promise<ChinaYearDto> {
    const year = readYear(value);
    return this.change(async (em) => {
      const row = await lockChinaYear(em, year);
      if (!row) throw new CalendarError(CalendarErrorCode.CALENDAR_YEAR_NOT_FOUND, `No statutory days for ${year}`);
      if (row.source !== 'manual') {
        throw new CalendarError(CalendarErrorCode.CALENDAR_YEAR_NOT_MANUAL, `${year} comes from ${row.loadedFrom}, not entered by hand`);
      }
      const before = await chinaDaysOfYear(em, year);
      let after: ChinaStatutoryYear | null = null;
      const days = isYearCovered(year) ? chinaHolidayExceptions(year) : [];
      if (days.length) {
        after = await guardedUpdate(
          em,
          ChinaStatutoryYear,
          { year },
          expectedVersion,
          { source: 'package', loadedFrom: CHINA_HOLIDAYS_SOURCE, updatedBy: auth.staffId },
          LABEL,
        );
        await deleteChinaDaysOfYear(em, year);
        await insertChinaDays(em, year, days, 'package', CHINA_HOLIDAYS_SOURCE);
      } else {
        if (expectedVersion !== row.version) throw staleVersion(LABEL, expectedVersion, row.version);
        await deleteChinaYear(em, year);
      }
      const changedFrom = firstDifference(before, days) ?? `${year}-01-01`;
      await this.audit.record(em, auth, {
        action: 'calendar.china_year_released',
        entity: 'china_statutory_year',
        entityId: String(year),
        changes: { source: { from: 'manual', to: after ? 'package' : null }, days: days.length, changedFrom },
        regions: [],
      });
      return { year, version: after?.version ?? 0, changedFrom, result: toChinaYearDto(year, after, await chinaDaysOfYear(em, year)) };
    });
  }

  private async change(
    work: (em: EntityManager) => Promise<{ year: number; version: number; changedFrom: string; result: ChinaYearDto }>,
  ): Promise<ChinaYearDto> {
    const post = new PostCommit();
    const result = await this.dataSource.transaction(async (em) => {
      await bumpGeneration(em);
      const { year, version, changedFrom, result } = await work(em);
      await this.outbox.emit(
        em,
        post,
        'calendar.changed',
        calendarChangedEvent({
          keys: await calendarsFollowingChina(em),
          calendarKey: null,
          year,
          version,
          change: 'china_days',
          fields: [],
          changedFrom,
        }),
      );
      return result;
    });
    await this.calendars.changed();
    await post.run();
    return result;
  }
}
