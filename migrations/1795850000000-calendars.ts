import type { MigrationInterface, QueryRunner } from 'typeorm';
import { CALENDAR_24X7, CALENDAR_WORKDAY, twentyFourSevenDefinition, workdayDefinition } from '../src/calendars/builtin-calendars';
import { CHINA_HOLIDAYS_SOURCE, chinaHolidayExceptions, yearsCovered } from '../src/calendars/china-holidays';

/**
 * Issue 12, points 1 and 2: working-time calendars as data.
 *
 * - `calendars`: weekly working hours in a zone; `follows_china_holidays`
 *   merges the shared table of China's statutory days under the calendar's
 *   own exceptions (its own win on the same date).
 * - `calendar_exceptions`: a calendar's own dated days.
 * - `china_statutory_years` / `china_statutory_days`: the State Council's
 *   holidays and make-up working days (调休), shared by every calendar that
 *   follows them. A year comes from the `chinese-days` package or is entered
 *   by hand (`source = 'manual'`), never both: a year entered by hand owns all
 *   its days and the package's are not loaded for it.
 * - `calendar_generation`: one row, bumped by every change; processes compare
 *   it to the generation of their in-memory snapshot (docs/ARCHITECTURE.md,
 *   "Calendars").
 * - `calendar_year_notices`: `calendar.year_missing` raised at most once a day.
 *
 * The package's days are loaded here so that a fresh database starts with
 * them; every start then loads what a newer package brings (china-days-loader.ts).
 */
export class Calendars1795850000000 implements MigrationInterface {
  name = 'Calendars1795850000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE calendars (
        key                    text PRIMARY KEY CONSTRAINT calendars_key_format CHECK (key ~ '^[a-z0-9][a-z0-9_-]{0,39}$'),
        name                   text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        time_zone              text NOT NULL DEFAULT 'Asia/Shanghai',
        weekly                 jsonb NOT NULL CHECK (jsonb_typeof(weekly) = 'object'),
        follows_china_holidays boolean NOT NULL,
        builtin                boolean NOT NULL DEFAULT false,
        version                integer NOT NULL DEFAULT 1,
        created_at             timestamptz NOT NULL DEFAULT now(),
        updated_at             timestamptz NOT NULL DEFAULT now(),
        updated_by             uuid REFERENCES staff (id)
      )`);
    await q.query(`
      CREATE TABLE calendar_exceptions (
        calendar_key text NOT NULL REFERENCES calendars (key),
        date         date NOT NULL,
        type         text NOT NULL CHECK (type IN ('holiday', 'workday')),
        name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        intervals    jsonb CHECK (intervals IS NULL OR (type = 'workday' AND jsonb_typeof(intervals) = 'array')),
        updated_at   timestamptz NOT NULL DEFAULT now(),
        updated_by   uuid REFERENCES staff (id),
        PRIMARY KEY (calendar_key, date)
      )`);
    await q.query(`
      CREATE TABLE china_statutory_years (
        year        integer PRIMARY KEY CHECK (year BETWEEN 1900 AND 9999),
        source      text NOT NULL CHECK (source IN ('package', 'manual')),
        loaded_from text,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        updated_by  uuid REFERENCES staff (id),
        CHECK ((source = 'package') = (loaded_from IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE china_statutory_days (
        date        date PRIMARY KEY,
        year        integer NOT NULL REFERENCES china_statutory_years (year),
        type        text NOT NULL CHECK (type IN ('holiday', 'workday')),
        name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
        source      text NOT NULL CHECK (source IN ('package', 'manual')),
        loaded_from text,
        CHECK (extract(year FROM date) = year),
        CHECK ((source = 'package') = (loaded_from IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX china_statutory_days_year_idx ON china_statutory_days (year)`);
    await q.query(`
      CREATE TABLE calendar_generation (
        id         boolean PRIMARY KEY DEFAULT true CHECK (id),
        generation bigint NOT NULL
      )`);
    await q.query(`INSERT INTO calendar_generation (id, generation) VALUES (true, 1)`);
    await q.query(`
      CREATE TABLE calendar_year_notices (
        year       integer NOT NULL,
        day        date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (year, day)
      )`);

    await q.query(
      `INSERT INTO calendars (key, name, weekly, follows_china_holidays, builtin) VALUES ($1, $2, $3, false, true), ($4, $5, $6, true, true)`,
      [
        CALENDAR_24X7,
        '全天候 (24×7)',
        JSON.stringify(twentyFourSevenDefinition().weekly),
        CALENDAR_WORKDAY,
        '工作日 (09:00–18:00, 法定节假日与调休)',
        JSON.stringify(workdayDefinition([]).weekly),
      ],
    );

    const years = yearsCovered();
    if (!years.length) return;
    await q.query(`INSERT INTO china_statutory_years (year, source, loaded_from) SELECT unnest($1::int[]), 'package', $2`, [
      years,
      CHINA_HOLIDAYS_SOURCE,
    ]);
    const days = years.flatMap((y) => chinaHolidayExceptions(y));
    await q.query(
      `INSERT INTO china_statutory_days (date, year, type, name, source, loaded_from)
       SELECT d, extract(year FROM d)::int, t, n, 'package', $4 FROM unnest($1::date[], $2::text[], $3::text[]) AS u (d, t, n)`,
      [days.map((d) => d.date), days.map((d) => d.type), days.map((d) => d.name), CHINA_HOLIDAYS_SOURCE],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE calendar_year_notices`);
    await q.query(`DROP TABLE calendar_generation`);
    await q.query(`DROP TABLE china_statutory_days`);
    await q.query(`DROP TABLE china_statutory_years`);
    await q.query(`DROP TABLE calendar_exceptions`);
    await q.query(`DROP TABLE calendars`);
  }
}
