import { endOfChinaDay, parseChinaDateOrInstant, parseInstant } from './instant';

describe('parseInstant', () => {
  it.each([
    ['2026-12-07T09:00:00+08:00', '2026-12-07T01:00:00.000Z'],
    ['2026-12-07T01:00:00Z', '2026-12-07T01:00:00.000Z'],
    ['2026-12-07T01:00Z', '2026-12-07T01:00:00.000Z'],
    ['2026-12-07t01:00:00.5z', '2026-12-07T01:00:00.500Z'],
    ['2026-12-07T09:00:00.123456+08:00', '2026-12-07T01:00:00.123Z'],
    ['2026-12-06T20:00:00-05:00', '2026-12-07T01:00:00.000Z'],
  ])('%s is %s', (input, utc) => {
    expect(parseInstant(input)?.toISOString()).toBe(utc);
  });

  it.each([
    '2026-12-07 09:00',
    '2026-12-07T09:00',
    '2026-12-07T09:00:00',
    '2026-12-07',
    '2026-02-30T09:00:00Z',
    '2026-12-07T24:00:00Z',
    '2026-12-07T09:60:00Z',
    '2026-12-07T09:00:00+15:00',
    '2026-12-07T09:00:00+0800',
    'tomorrow',
    '',
  ])('%j is refused', (input) => {
    expect(parseInstant(input)).toBeNull();
  });
});

describe('endOfChinaDay', () => {
  it('is 23:59:59.999 Beijing time, 15:59:59.999 UTC', () => {
    expect(endOfChinaDay('2026-12-31')?.toISOString()).toBe('2026-12-31T15:59:59.999Z');
  });
  it('refuses a day that does not exist', () => {
    expect(endOfChinaDay('2026-02-29')).toBeNull();
    expect(endOfChinaDay('2028-02-29')?.toISOString()).toBe('2028-02-29T15:59:59.999Z');
  });
});

describe('parseChinaDateOrInstant', () => {
  it('takes a date or an instant with an offset, never a local time', () => {
    expect(parseChinaDateOrInstant('2026-12-31')?.toISOString()).toBe('2026-12-31T15:59:59.999Z');
    expect(parseChinaDateOrInstant('2026-12-31T10:00:00+08:00')?.toISOString()).toBe('2026-12-31T02:00:00.000Z');
    expect(parseChinaDateOrInstant('2026-12-31T10:00:00')).toBeNull();
    expect(parseChinaDateOrInstant('2026-12-31 10:00')).toBeNull();
  });
});
