import type { ChinaDay, EffectiveDay, OwnDay } from './calendar-definition';
import { standardDayMs } from './calendar-definition';
import type { CalendarRecord, ChinaStatutoryYear } from './calendar.entities';
import type { CalendarDayDto, CalendarDetailDto, CalendarDto, ChinaYearDto, EffectiveDayDto } from './dto/calendar.dto';

export const toCalendarDto = (c: CalendarRecord): CalendarDto => ({
  key: c.key,
  name: c.name,
  timeZone: c.timeZone,
  weekly: c.weekly,
  followsChinaHolidays: c.followsChinaHolidays,
  builtin: c.builtin,
  workingDayMinutes: standardDayMs(c.weekly) / 60_000,
  version: c.version,
  updatedAt: c.updatedAt,
  updatedBy: c.updatedBy,
});

const toDayDto = (d: OwnDay): CalendarDayDto => ({ date: d.date, type: d.type, name: d.name, intervals: d.intervals });

export function toCalendarDetailDto(c: CalendarRecord, days: OwnDay[], effective?: EffectiveDay[]): CalendarDetailDto {
  return {
    ...toCalendarDto(c),
    days: days.map(toDayDto),
    ...(effective ? { effectiveDays: effective.map((d): EffectiveDayDto => ({ ...toDayDto(d), source: d.source })) } : {}),
  };
}

export const toChinaYearDto = (year: number, row: ChinaStatutoryYear | null, days: ChinaDay[]): ChinaYearDto => ({
  year,
  source: row?.source ?? null,
  loadedFrom: row?.loadedFrom ?? null,
  version: row?.version ?? 0,
  days: days.map((d) => ({ date: d.date, type: d.type, name: d.name, source: d.source })),
});
