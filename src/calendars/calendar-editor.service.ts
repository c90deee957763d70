import { daysBetween } from '../common/time/china-days';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { apiPath } from '../common/http/api-path';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { CALENDAR_24X7 } from './builtin-calendars';
import type { CalendarChangedData } from './calendar-events';
import { calendarChangedEvent } from './calendar-events';
import type { OwnDay } from './calendar-definition';
import {
  compileOrReject,
  definitionOf,
  effectiveDays,
  isCalendarDate,
  readIntervals,
  readWeekly,
  toException,
} from './calendar-definition';
import { CalendarRecord } from './calendar.entities';
import { toCalendarDetailDto, toCalendarDto } from './calendar-views';
import { CalendarError, CalendarErrorCode } from './calendars.errors';
import {
  allCalendars,
  bumpGeneration,
  calendarByKey,
  chinaDaysBetween,
  deleteOwnDay,
  insertCalendar,
  ownDay,
  ownDaysOf,
  upsertOwnDay,
} from './calendars.repository';
import { CalendarsService } from './calendars.service';
import type {
  CalendarDetailDto,
  CalendarDto,
  CalendarWindowQuery,
  CreateCalendarDto,
  SetCalendarDayDto,
  UpdateCalendarDto,
} from './dto/calendar.dto';
import type { CalendarProblem } from './working-time';
import { DEFAULT_TIME_ZONE } from './working-time';

/** `/calendars/holidays/…` is China's shared table: no calendar may take that key. */
const RESERVED_KEYS = new Set(['holidays']);
/** The longest window GET /calendars/{key}?from=&to= lists (three years). */
const MAX_WINDOW_DAYS = 1096;
/** The fields of a calendar an admin edits. */
const EDITABLE = ['name', 'timeZone', 'weekly', 'followsChinaHolidays'] as const;
/** Of those, the ones that make its working time. */
const WORKING_TIME_FIELDS = new Set<string>(['timeZone', 'weekly', 'followsChinaHolidays']);

const notFound = (key: string) => new CalendarError(CalendarErrorCode.CALENDAR_NOT_FOUND, `No calendar ${key}`);

/** The problems of a day checked alone, named as the fields of the day's request body. */
const dayField = (field: string) => field.replace(/^exceptions\[0\]\.?/, '') || 'date';

/**
 * Admins' changes to calendars (docs/ARCHITECTURE.md, "Calendars"). Every
 * change, in one transaction: the generation row (taken first, so changes
 * commit one after another), the version check, the rows, the audit row and
 * the `calendar.changed` event; then, after commit, this process's snapshot
 * and the announcement to the others (CalendarsService.changed).
 */
@Injectable()
export class CalendarEditorService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly outbox: OutboxService,
    private readonly calendars: CalendarsService,
  ) {}

  async list(): Promise<CalendarDto[]> {
    return (await allCalendars(this.dataSource.manager)).map(toCalendarDto);
  }

  /** One calendar with its own days; with a window, also every day in effect in it (China's table merged under its own). */
  async get(key: string, q: CalendarWindowQuery = {}): Promise<CalendarDetailDto> {
    const window = readWindow(q);
    const em = this.dataSource.manager;
    const calendar = await calendarByKey(em, key);
    if (!calendar) throw notFound(key);
    const days = await ownDaysOf(em, key);
    if (!window) return toCalendarDetailDto(calendar, days);
    const china = calendar.followsChinaHolidays ? await chinaDaysBetween(em, window.from, window.to) : null;
    const inWindow = days.filter((d) => d.date >= window.from && d.date <= window.to);
    return toCalendarDetailDto(calendar, days, effectiveDays(inWindow, china));
  }

  async create(auth: AuthContext, dto: CreateCalendarDto): Promise<CalendarDetailDto> {
    if (RESERVED_KEYS.has(dto.key)) throw invalidFields({ field: 'key', message: `"${dto.key}" is reserved` });
    const problems: CalendarProblem[] = [];
    const weekly = readWeekly(dto.weekly, 'weekly', problems);
    const timeZone = dto.timeZone ?? DEFAULT_TIME_ZONE;
    compileOrReject({ key: dto.key, timeZone, weekly, exceptions: [] }, problems);
    const followsChinaHolidays = dto.followsChinaHolidays ?? true;
    return this.change(async (em) => {
      if (!(await insertCalendar(em, { key: dto.key, name: dto.name, timeZone, weekly, followsChinaHolidays, updatedBy: auth.staffId }))) {
        throw new CalendarError(CalendarErrorCode.CALENDAR_KEY_TAKEN, `A calendar ${dto.key} exists already`);
      }
      await this.audit.record(em, auth, {
        action: 'calendar.created',
        entity: 'calendar',
        entityId: dto.key,
        changes: { name: dto.name, timeZone, weekly, followsChinaHolidays },
        regions: [], // configuration: for nationwide readers
      });
      await recordOutcome(em, { resource: apiPath('calendars', dto.key) });
      const created = (await calendarByKey(em, dto.key))!;
      return {
        result: toCalendarDetailDto(created, []),
        event: { keys: [dto.key], calendarKey: dto.key, year: null, version: 1, change: 'created', fields: [], changedFrom: null },
      };
    });
  }

  /** Name, zone, weekly hours, whether China's table applies: absent fields keep their value. */
  async update(auth: AuthContext, key: string, dto: UpdateCalendarDto): Promise<CalendarDetailDto> {
    const { expectedVersion, ...patch } = dto;
    if (EDITABLE.every((f) => patch[f] === undefined)) {
      throw invalidFields({ field: 'name', message: `at least one of ${EDITABLE.join(', ')} is required` });
    }
    const problems: CalendarProblem[] = [];
    const weekly = patch.weekly === undefined ? undefined : readWeekly(patch.weekly, 'weekly', problems);
    return this.change(async (em) => {
      const before = await this.editable(em, key);
      const days = await ownDaysOf(em, key);
      compileOrReject(
        definitionOf(
          { key, timeZone: patch.timeZone ?? before.timeZone, weekly: weekly ?? before.weekly, followsChinaHolidays: false },
          days,
        ),
        problems,
      );
      const changes = { name: patch.name, timeZone: patch.timeZone, weekly, followsChinaHolidays: patch.followsChinaHolidays };
      const diff = changedFields(before, changes);
      const after = await guardedUpdate(em, CalendarRecord, { key }, expectedVersion, { ...changes, updatedBy: auth.staffId }, 'calendar');
      await this.audit.record(em, auth, { action: 'calendar.updated', entity: 'calendar', entityId: key, changes: diff, regions: [] });
      const fields = Object.keys(diff);
      return {
        result: toCalendarDetailDto(after, days),
        event: {
          keys: fields.some((f) => WORKING_TIME_FIELDS.has(f)) ? [key] : [],
          calendarKey: key,
          year: null,
          version: after.version,
          change: 'updated',
          fields,
          changedFrom: null,
        },
      };
    });
  }

  /** Sets one dated day of the calendar (a holiday, or a working day with its hours). */
  async setDay(auth: AuthContext, key: string, date: string, dto: SetCalendarDayDto): Promise<CalendarDetailDto> {
    if (!isCalendarDate(date)) throw invalidFields({ field: 'date', message: 'must be a valid date YYYY-MM-DD from 1900 to 9999' });
    const problems: CalendarProblem[] = [];
    const day: OwnDay = { date, type: dto.type, name: dto.name, intervals: readIntervals(dto.intervals, 'intervals', problems) };
    // The day alone, on a calendar that works every day: its own faults are all there is to find.
    compileOrReject({ key: 'day', weekly: { 1: [{ start: '00:00', end: '24:00' }] }, exceptions: [toException(day)] }, problems, dayField);
    return this.change(async (em) => {
      await this.editable(em, key);
      const after = await guardedUpdate(em, CalendarRecord, { key }, dto.expectedVersion, { updatedBy: auth.staffId }, 'calendar');
      const previous = (await ownDay(em, key, date)) ?? null;
      await upsertOwnDay(em, key, day, auth.staffId);
      await this.audit.record(em, auth, {
        action: 'calendar.day_set',
        entity: 'calendar',
        entityId: key,
        changes: { date, from: previous, to: day },
        regions: [],
      });
      return {
        result: toCalendarDetailDto(after, await ownDaysOf(em, key)),
        event: { keys: [key], calendarKey: key, year: null, version: after.version, change: 'day_set', fields: [], changedFrom: date },
      };
    });
  }

  /** Removes one dated day of the calendar: the weekly hours (and China's table, if it follows it) apply that day again. */
  async removeDay(auth: AuthContext, key: string, date: string, expectedVersion: number): Promise<CalendarDetailDto> {
    if (!isCalendarDate(date)) throw invalidFields({ field: 'date', message: 'must be a valid date YYYY-MM-DD from 1900 to 9999' });
    return this.change(async (em) => {
      await this.editable(em, key);
      const after = await guardedUpdate(em, CalendarRecord, { key }, expectedVersion, { updatedBy: auth.staffId }, 'calendar');
      const previous = await ownDay(em, key, date);
      if (!previous || !(await deleteOwnDay(em, key, date))) {
        throw new CalendarError(CalendarErrorCode.CALENDAR_DAY_NOT_FOUND, `Calendar ${key} has no day of its own on ${date}`);
      }
      await this.audit.record(em, auth, {
        action: 'calendar.day_removed',
        entity: 'calendar',
        entityId: key,
        changes: { date, from: previous, to: null },
        regions: [],
      });
      return {
        result: toCalendarDetailDto(after, await ownDaysOf(em, key)),
        event: { keys: [key], calendarKey: key, year: null, version: after.version, change: 'day_removed', fields: [], changedFrom: date },
      };
    });
  }

  /** The calendar, for a change: 404 when there is none, 409 for `24x7` (every instant, by definition). */
  private async editable(em: EntityManager, key: string): Promise<CalendarRecord> {
    const calendar = await calendarByKey(em, key);
    if (!calendar) throw notFound(key);
    if (calendar.key === CALENDAR_24X7) {
      throw new CalendarError(CalendarErrorCode.CALENDAR_READ_ONLY, `${CALENDAR_24X7} is every instant of every day and cannot be changed`);
    }
    return calendar;
  }

  /** One change in a transaction that first takes the generation; the event with it; the snapshots after commit. */
  private async change<T>(work: (em: EntityManager) => Promise<{ result: T; event: CalendarChangedData }>): Promise<T> {
    const post = new PostCommit();
    const result = await this.dataSource.transaction(async (em) => {
      await bumpGeneration(em);
      const { result, event } = await work(em);
      await this.outbox.emit(em, post, 'calendar.changed', calendarChangedEvent(event));
      return result;
    });
    await this.calendars.changed();
    await post.run();
    return result;
  }
}

/** The window of GET /calendars/{key}: both dates or neither, real dates, in order, at most MAX_WINDOW_DAYS. */
function readWindow(q: CalendarWindowQuery): { from: string; to: string } | null {
  if (q.from === undefined && q.to === undefined) return null;
  if (q.from === undefined || q.to === undefined) {
    throw invalidFields({ field: q.from === undefined ? 'from' : 'to', message: 'from and to go together' });
  }
  const bad = (['from', 'to'] as const).filter((f) => !isCalendarDate(q[f]));
  if (bad.length) throw invalidFields(...bad.map((field) => ({ field, message: 'must be a valid date YYYY-MM-DD' })));
  if (q.to < q.from) throw invalidFields({ field: 'to', message: 'must not be before from' });
  if (daysBetween(q.from, q.to) >= MAX_WINDOW_DAYS)
    throw invalidFields({ field: 'to', message: `at most ${MAX_WINDOW_DAYS} days after from` });
  return { from: q.from, to: q.to };
}
