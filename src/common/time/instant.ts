/*
 * How the API reads a point in time (docs/ARCHITECTURE.md, "Times"). An
 * instant must say its offset: `2026-12-07T09:00:00+08:00` or `…T01:00:00Z`.
 * Without one (`2026-12-07 09:00`) it could be read in any zone, so it is
 * refused rather than guessed. Where a field means a day, `2026-12-31` is the
 * last millisecond of that day in China (23:59:59.999+08:00): "by the 31st"
 * means the whole of the 31st, Beijing time.
 */

/** The zone days are counted in (no daylight saving: always +08:00). */
export const CHINA_OFFSET = '+08:00';

/** Date, `T`, hours and minutes, optional seconds and fraction, then `Z` or ±hh:mm. */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

export const INSTANT_RULE =
  'An ISO 8601 time with its offset (Z or +08:00), e.g. 2026-12-07T09:00:00+08:00; a time without an offset is refused. Answers are in UTC.';
export const CHINA_DATE_RULE =
  'A date YYYY-MM-DD (the end of that day, China time: 23:59:59.999+08:00) or an ISO 8601 time with its offset (Z or +08:00); a time without an offset is refused. Answers are in UTC.';

const validDay = (y: number, m: number, d: number) => {
  const at = new Date(Date.UTC(y, m - 1, d));
  return at.getUTCFullYear() === y && at.getUTCMonth() === m - 1 && at.getUTCDate() === d;
};

/** The instant a string with an offset names, or null (no offset, not a real date or time, offset beyond ±14:00). */
export function parseInstant(value: string): Date | null {
  const m = INSTANT.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', , offset] = m;
  if (!validDay(+y, +mo, +d) || +h > 23 || +mi > 59 || +s > 59) return null;
  if (offset.toUpperCase() !== 'Z') {
    const [oh, om] = offset.slice(1).split(':').map(Number);
    if (oh > 14 || om > 59) return null;
  }
  const at = new Date(value.toUpperCase());
  return Number.isNaN(at.getTime()) ? null : at;
}

/** The last millisecond of a `YYYY-MM-DD` day in China, or null when it is no real date. */
export function endOfChinaDay(value: string): Date | null {
  const m = DATE_ONLY.exec(value);
  if (!m || !validDay(+m[1], +m[2], +m[3])) return null;
  return new Date(`${value}T23:59:59.999${CHINA_OFFSET}`);
}

/** A date-only value as the end of that China day, else an instant with an offset; null when neither. */
export function parseChinaDateOrInstant(value: string): Date | null {
  return DATE_ONLY.test(value) ? endOfChinaDay(value) : parseInstant(value);
}
