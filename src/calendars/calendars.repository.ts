import type { EntityManager } from 'typeorm';
import type { Db } from '../common/sql';
import { affected, execute, firstRow, rows, sql } from '../common/sql';
import { CalendarRecord, ChinaStatutoryYear } from './calendar.entities';
import type { ChinaDay, OwnDay, WeeklyHours } from './calendar-definition';
import type { CalendarExceptionType } from './working-time';

const OWN_DAY_COLUMNS = sql`to_char(date, 'YYYY-MM-DD') AS date, type, name, intervals`;
const CHINA_DAY_COLUMNS = sql`to_char(date, 'YYYY-MM-DD') AS date, type, name, source`;

// ─── generation ────────────────────────────────────────────────────────────

/** The generation of the calendars tables: every change moves it (the one row of calendar_generation). */
export async function readGeneration(db: Db): Promise<number> {
  const row = await firstRow<{ generation: string }>(db, sql`SELECT generation FROM calendar_generation`);
  return Number(row?.generation ?? 0);
}

/**
 * Locks the generation row for the caller's transaction without moving it:
 * every change to the calendars tables takes this lock first, so they
 * commit one after another (and never deadlock on the rows below it).
 */
export async function lockGeneration(db: Db): Promise<number> {
  const row = await firstRow<{ generation: string }>(db, sql`SELECT generation FROM calendar_generation FOR UPDATE`);
  return Number(row!.generation);
}

/**
 * Moves the generation, in the caller's transaction. The row stays locked
 * until it ends, so changes to calendars commit one after another, each
 * with a generation of its own.
 */
export async function bumpGeneration(db: Db): Promise<number> {
  const row = await firstRow<{ generation: string }>(
    db,
    sql`UPDATE calendar_generation SET generation = generation + 1 RETURNING generation`,
  );
  return Number(row!.generation);
}

// ─── calendars and their own days ─────────────────────────────────────────

export function allCalendars(em: EntityManager): Promise<CalendarRecord[]> {
  return em.find(CalendarRecord, { order: { key: 'ASC' } });
}

export function calendarByKey(em: EntityManager, key: string): Promise<CalendarRecord | null> {
  return em.findOneBy(CalendarRecord, { key });
}

export interface NewCalendar {
  key: string;
  name: string;
  timeZone: string;
  weekly: WeeklyHours;
  followsChinaHolidays: boolean;
  updatedBy: string;
}

/** Inserts a calendar at version 1; null when the key is taken. */
export async function insertCalendar(db: Db, c: NewCalendar): Promise<boolean> {
  const inserted = await rows<{ key: string }>(
    db,
    sql`INSERT INTO calendars (key, name, time_zone, weekly, follows_china_holidays, builtin, version, updated_by)
        VALUES (${c.key}, ${c.name}, ${c.timeZone}, ${JSON.stringify(c.weekly)}::jsonb, ${c.followsChinaHolidays}, false, 1, ${c.updatedBy})
        ON CONFLICT (key) DO NOTHING RETURNING key`,
  );
  return inserted.length > 0;
}

/** Keys of the calendars that follow China's shared table: a change to it moves their working time. */
export async function calendarsFollowingChina(db: Db): Promise<string[]> {
  return (await rows<{ key: string }>(db, sql`SELECT key FROM calendars WHERE follows_china_holidays ORDER BY key`)).map((r) => r.key);
}

/** A calendar's own days, by date. */
export function ownDaysOf(db: Db, key: string): Promise<OwnDay[]> {
  return rows<OwnDay>(db, sql`SELECT ${OWN_DAY_COLUMNS} FROM calendar_exceptions WHERE calendar_key = ${key} ORDER BY date`);
}

/** Every calendar's own days (the snapshot). */
export function allOwnDays(db: Db): Promise<(OwnDay & { calendarKey: string })[]> {
  return rows(db, sql`SELECT calendar_key AS "calendarKey", ${OWN_DAY_COLUMNS} FROM calendar_exceptions ORDER BY calendar_key, date`);
}

export function ownDay(db: Db, key: string, date: string): Promise<OwnDay | undefined> {
  return firstRow<OwnDay>(db, sql`SELECT ${OWN_DAY_COLUMNS} FROM calendar_exceptions WHERE calendar_key = ${key} AND date = ${date}::date`);
}

export async function upsertOwnDay(db: Db, key: string, day: OwnDay, by: string): Promise<void> {
  await execute(
    db,
    sql`INSERT INTO calendar_exceptions (calendar_key, date, type, name, intervals, updated_by)
        VALUES (${key}, ${day.date}::date, ${day.type}, ${day.name}, ${day.intervals ? JSON.stringify(day.intervals) : null}::jsonb, ${by})
        ON CONFLICT (calendar_key, date) DO UPDATE
          SET type = EXCLUDED.type, name = EXCLUDED.name, intervals = EXCLUDED.intervals,
              updated_at = now(), updated_by = EXCLUDED.updated_by`,
  );
}

/** Deletes one of a calendar's days; false when it had none that date. */
export async function deleteOwnDay(db: Db, key: string, date: string): Promise<boolean> {
  return (await affected(db, sql`DELETE FROM calendar_exceptions WHERE calendar_key = ${key} AND date = ${date}::date`)) > 0;
}

// ─── China's shared table ─────────────────────────────────────────────────

export function allChinaDays(db: Db): Promise<ChinaDay[]> {
  return rows<ChinaDay>(db, sql`SELECT ${CHINA_DAY_COLUMNS} FROM china_statutory_days ORDER BY date`);
}

/** The shared days from `from` to `to`, both included. */
export function chinaDaysBetween(db: Db, from: string, to: string): Promise<ChinaDay[]> {
  return rows<ChinaDay>(
    db,
    sql`SELECT ${CHINA_DAY_COLUMNS} FROM china_statutory_days WHERE date BETWEEN ${from}::date AND ${to}::date ORDER BY date`,
  );
}

export function chinaDaysOfYear(db: Db, year: number): Promise<ChinaDay[]> {
  return rows<ChinaDay>(db, sql`SELECT ${CHINA_DAY_COLUMNS} FROM china_statutory_days WHERE year = ${year} ORDER BY date`);
}

/** Years of the shared table that have data, ascending. */
export async function yearsWithData(db: Db): Promise<number[]> {
  return (await rows<{ year: number }>(db, sql`SELECT year FROM china_statutory_years ORDER BY year`)).map((r) => r.year);
}

export async function yearHasData(db: Db, year: number): Promise<boolean> {
  return (await rows(db, sql`SELECT 1 FROM china_statutory_years WHERE year = ${year}`)).length > 0;
}

export function allChinaYears(em: EntityManager): Promise<ChinaStatutoryYear[]> {
  return em.find(ChinaStatutoryYear, { order: { year: 'ASC' } });
}

export function chinaYear(em: EntityManager, year: number): Promise<ChinaStatutoryYear | null> {
  return em.findOneBy(ChinaStatutoryYear, { year });
}

/** The year's row, locked for the caller's transaction. */
export function lockChinaYear(em: EntityManager, year: number): Promise<ChinaStatutoryYear | null> {
  return em.findOne(ChinaStatutoryYear, { where: { year }, lock: { mode: 'pessimistic_write' } });
}

/** A year's row at version 1; false when another transaction inserted it first. */
export async function insertChinaYear(
  db: Db,
  year: number,
  owner: { source: 'package'; loadedFrom: string } | { source: 'manual'; updatedBy: string },
): Promise<boolean> {
  const loadedFrom = owner.source === 'package' ? owner.loadedFrom : null;
  const updatedBy = owner.source === 'manual' ? owner.updatedBy : null;
  const inserted = await rows(
    db,
    sql`INSERT INTO china_statutory_years (year, source, loaded_from, version, updated_by)
        VALUES (${year}, ${owner.source}, ${loadedFrom}, 1, ${updatedBy}) ON CONFLICT (year) DO NOTHING RETURNING year`,
  );
  return inserted.length > 0;
}

export async function deleteChinaYear(db: Db, year: number): Promise<void> {
  await execute(db, sql`DELETE FROM china_statutory_days WHERE year = ${year}`);
  await execute(db, sql`DELETE FROM china_statutory_years WHERE year = ${year}`);
}

export async function deleteChinaDaysOfYear(db: Db, year: number): Promise<void> {
  await execute(db, sql`DELETE FROM china_statutory_days WHERE year = ${year}`);
}

/** Inserts a year's days (all dated in that year). */
export async function insertChinaDays(
  db: Db,
  year: number,
  days: { date: string; type: CalendarExceptionType; name: string }[],
  source: 'package' | 'manual',
  loadedFrom: string | null,
): Promise<void> {
  if (!days.length) return;
  await execute(
    db,
    sql`INSERT INTO china_statutory_days (date, year, type, name, source, loaded_from)
        SELECT d, ${year}, t, n, ${source}, ${loadedFrom}
        FROM unnest(${days.map((d) => d.date)}::date[], ${days.map((d) => d.type)}::text[], ${days.map((d) => d.name)}::text[]) AS u (d, t, n)`,
  );
}

/** The package's rows as loaded: for the start-up comparison with the installed package. */
export function packageChinaDays(db: Db): Promise<(ChinaDay & { loadedFrom: string })[]> {
  return rows(db, sql`SELECT ${CHINA_DAY_COLUMNS}, loaded_from AS "loadedFrom" FROM china_statutory_days WHERE source = 'package'`);
}

// ─── the year check ───────────────────────────────────────────────────────

/** Records that `year` was found missing on `day`; false when it already was that day (one event a day). */
export async function recordYearNotice(db: Db, year: number, day: string): Promise<boolean> {
  const inserted = await rows(
    db,
    sql`INSERT INTO calendar_year_notices (year, day) VALUES (${year}, ${day}::date) ON CONFLICT DO NOTHING RETURNING year`,
  );
  return inserted.length > 0;
}
