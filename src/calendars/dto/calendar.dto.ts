import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Trim } from '../../common/http/trim';
import { DAY_SOURCES } from '../calendar-definition';
import type { DaySource } from '../calendar-definition';
import { CALENDAR_EXCEPTION_TYPES } from '../working-time';
import type { CalendarExceptionType } from '../working-time';

/** A calendar key: lower-case letters, digits, dash and underscore, starting with a letter or digit (`24x7`, `workday`, `gz-office`). */
export const CALENDAR_KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const DATE_FORMAT = /^\d{4}-\d{2}-\d{2}$/;
const DATE_MESSAGE = 'must be a date YYYY-MM-DD';

export class WorkingIntervalDto {
  @ApiProperty({ example: '09:00', description: 'Local wall-clock time HH:MM, 00:00–23:59; included' }) start: string;
  @ApiProperty({ example: '18:00', description: 'Local wall-clock time HH:MM, up to 24:00 (midnight ending the day); excluded' })
  end: string;
}

const weekday = (name: string) =>
  ApiPropertyOptional({
    type: [WorkingIntervalDto],
    description: `${name}: working intervals in order, not overlapping; absent or empty: not a working day`,
  });

/**
 * Working hours per ISO weekday, keyed "1" (Monday) … "7" (Sunday): several
 * intervals a day for a lunch break. Checked by the calendar arithmetic
 * itself (src/calendars/working-time.ts), which names each fault
 * (`weekly.1[0].end`).
 */
export class WeeklyHoursDto {
  @weekday('Monday') '1'?: WorkingIntervalDto[];
  @weekday('Tuesday') '2'?: WorkingIntervalDto[];
  @weekday('Wednesday') '3'?: WorkingIntervalDto[];
  @weekday('Thursday') '4'?: WorkingIntervalDto[];
  @weekday('Friday') '5'?: WorkingIntervalDto[];
  @weekday('Saturday') '6'?: WorkingIntervalDto[];
  @weekday('Sunday') '7'?: WorkingIntervalDto[];
}

const WEEKLY_EXAMPLE = {
  1: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
  2: [
    { start: '08:30', end: '12:00' },
    { start: '14:00', end: '17:30' },
  ],
};

export class CreateCalendarDto {
  @ApiProperty({
    example: 'gz-office',
    pattern: CALENDAR_KEY.source,
    description: 'Stable key policies name the calendar by; `holidays` is reserved',
  })
  @Matches(CALENDAR_KEY, { message: 'must be 1-40 lower-case letters, digits, dashes or underscores, starting with a letter or digit' })
  key: string;

  @ApiProperty({ example: '广州政务中心 (午休)', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai', default: 'Asia/Shanghai', description: 'IANA time zone the hours are read in' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiProperty({ type: WeeklyHoursDto, example: WEEKLY_EXAMPLE })
  @IsObject()
  weekly: WeeklyHoursDto;

  @ApiPropertyOptional({
    default: true,
    description:
      'China’s statutory holidays and make-up working days (调休) apply, under the calendar’s own days (its own win on the same date)',
  })
  @IsOptional()
  @IsBoolean()
  followsChinaHolidays?: boolean;
}

export class UpdateCalendarDto {
  @ApiPropertyOptional({ example: '广州政务中心', minLength: 1, maxLength: 100 })
  @IsOptional()
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ example: 'Asia/Shanghai' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  timeZone?: string;

  @ApiPropertyOptional({ type: WeeklyHoursDto, example: WEEKLY_EXAMPLE, description: 'The whole week: replaces the hours of every day' })
  @IsOptional()
  @IsObject()
  weekly?: WeeklyHoursDto;

  @ApiPropertyOptional() @IsOptional() @IsBoolean() followsChinaHolidays?: boolean;

  @ApiProperty({ example: 1, description: 'The version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class SetCalendarDayDto {
  @ApiProperty({ enum: CALENDAR_EXCEPTION_TYPES, description: 'holiday: no working time that day; workday: a working day' })
  @IsIn(CALENDAR_EXCEPTION_TYPES)
  type: CalendarExceptionType;

  @ApiProperty({ example: '单位年会', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    type: [WorkingIntervalDto],
    description:
      'Only for a workday with hours of its own; absent: the hours of its weekday, or of the first working weekday for a weekend day',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(48)
  @IsObject({ each: true })
  intervals?: WorkingIntervalDto[];

  @ApiProperty({ example: 1, description: 'The calendar’s version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class RemoveCalendarDayQuery {
  @ApiProperty({ example: 2, description: 'The calendar’s version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class CalendarWindowQuery {
  @ApiPropertyOptional({ example: '2026-09-01', description: 'With `to`: list the days in effect from this China date (at most 3 years)' })
  @IsOptional()
  @Matches(DATE_FORMAT, { message: DATE_MESSAGE })
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'With `from`: up to this China date, included' })
  @IsOptional()
  @Matches(DATE_FORMAT, { message: DATE_MESSAGE })
  to?: string;
}

export class CalendarDayDto {
  @ApiProperty({ example: '2026-10-10' }) date: string;
  @ApiProperty({ enum: CALENDAR_EXCEPTION_TYPES }) type: CalendarExceptionType;
  @ApiProperty({ example: '国庆节' }) name: string;
  @ApiPropertyOptional({ type: [WorkingIntervalDto], nullable: true, description: 'A workday’s own hours; null: the usual ones' })
  intervals: WorkingIntervalDto[] | null;
}

export class EffectiveDayDto extends CalendarDayDto {
  @ApiProperty({
    enum: DAY_SOURCES,
    description:
      'calendar: the calendar’s own day; package: China’s table from the chinese-days package; manual: China’s table entered by hand',
  })
  source: DaySource;
}

export class CalendarDto {
  @ApiProperty({ example: 'workday' }) key: string;
  @ApiProperty({ example: '工作日 (09:00–18:00, 法定节假日与调休)' }) name: string;
  @ApiProperty({ example: 'Asia/Shanghai' }) timeZone: string;
  @ApiProperty({ type: WeeklyHoursDto }) weekly: WeeklyHoursDto;
  @ApiProperty() followsChinaHolidays: boolean;
  @ApiProperty({ description: 'Installed with the system: `24x7` cannot be changed, `workday` can (never removed)' }) builtin: boolean;
  @ApiProperty({ example: 540, description: 'Working time of one standard working day: "N working days" is N of these' })
  workingDayMinutes: number;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() updatedAt: Date;
  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String }) updatedBy: string | null;
}

export class CalendarDetailDto extends CalendarDto {
  @ApiProperty({ type: [CalendarDayDto], description: 'The calendar’s own dated days (China’s shared table is not repeated here)' })
  days: CalendarDayDto[];

  @ApiPropertyOptional({
    type: [EffectiveDayDto],
    description: 'Only with from and to: every dated day in effect in that window, China’s table merged under the calendar’s own days',
  })
  effectiveDays?: EffectiveDayDto[];
}

export class ChinaDayInput {
  @ApiProperty({ example: '2027-01-01' }) @Matches(DATE_FORMAT, { message: DATE_MESSAGE }) date: string;
  @ApiProperty({ enum: CALENDAR_EXCEPTION_TYPES }) @IsIn(CALENDAR_EXCEPTION_TYPES) type: CalendarExceptionType;
  @ApiProperty({ example: '元旦', minLength: 1, maxLength: 100 })
  @Trim()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name: string;
}

export class PutChinaYearDto {
  @ApiProperty({
    type: [ChinaDayInput],
    description:
      'Every statutory holiday and make-up working day of the year, as the State Council announced them; each date in that year, once',
  })
  @IsArray()
  @ArrayMaxSize(366)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => ChinaDayInput)
  days: ChinaDayInput[];

  @ApiPropertyOptional({ example: 0, description: 'The year’s version you read (0: the year has no data yet); a stale one gives 409' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  expectedVersion?: number;
}

export class ReleaseChinaYearQuery {
  @ApiProperty({ example: 1, description: 'The year’s version you read; a stale one gives 409' })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  expectedVersion: number;
}

export class ChinaDayDto {
  @ApiProperty({ example: '2026-10-01' }) date: string;
  @ApiProperty({ enum: CALENDAR_EXCEPTION_TYPES }) type: CalendarExceptionType;
  @ApiProperty({ example: '国庆节' }) name: string;
  @ApiProperty({ enum: ['package', 'manual'] }) source: 'package' | 'manual';
}

export class ChinaYearDto {
  @ApiProperty({ example: 2026 }) year: number;
  @ApiProperty({ enum: ['package', 'manual'], nullable: true, type: String, description: 'null: no data for this year yet' })
  source: 'package' | 'manual' | null;
  @ApiPropertyOptional({
    example: 'chinese-days@1.5.7',
    nullable: true,
    type: String,
    description: 'The package the days were loaded from',
  })
  loadedFrom: string | null;
  @ApiProperty({ example: 1, description: '0 while the year has no data' }) version: number;
  @ApiProperty({ type: [ChinaDayDto] }) days: ChinaDayDto[];
}

export class YearCheckDto {
  @ApiProperty({ example: '2026-12-01', description: 'The China date the check ran on' }) asOf: string;
  @ApiProperty({ example: 2027 }) year: number;
  @ApiProperty({ description: 'Next year has no statutory days, neither from the package nor entered by hand' }) missing: boolean;
  @ApiProperty({ description: 'From 1 December: the year is missing and calendar.year_missing was raised (once a day)' }) notified: boolean;
}
