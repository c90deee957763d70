import { dateBounds, exactValues, millisecondComparisons, parseFields, parseListQuery, passesFilters } from './tmf-query';

const spec = { filters: { id: 'exact', name: 'exact', status: 'exact', creationDate: 'date' } } as const;

describe('parseListQuery', () => {
  it('defaults to the first page of 50, all fields, no filter', () => {
    expect(parseListQuery({}, spec)).toEqual({ offset: 0, limit: 50, fields: null, filters: [] });
  });

  it('reads offset, limit and fields', () => {
    expect(parseListQuery({ offset: '20', limit: '5', fields: 'id, name,,href' }, spec)).toEqual({
      offset: 20,
      limit: 5,
      fields: ['id', 'name', 'href'],
      filters: [],
    });
  });

  it.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '501' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ offset: '-1' }, 'offset'],
    [{ offset: ['1', '2'] }, 'offset'],
    [{ fields: '' }, 'fields'],
    [{ fields: 'a b' }, 'fields'],
  ])('refuses %j naming %s', (query, field) => {
    expect(() => parseListQuery(query, spec)).toThrow(expect.objectContaining({ errors: [expect.objectContaining({ field })] }));
  });

  it('reads exact filters, a comma meaning either', () => {
    const q = parseListQuery({ status: 'approved,validated', name: 'Moon FC' }, spec);
    expect(exactValues(q, 'status')).toEqual(['approved', 'validated']);
    expect(exactValues(q, 'name')).toEqual(['Moon FC']);
    expect(exactValues(q, 'id')).toBeUndefined();
  });

  it('reads date filters with their operators; a date alone is the end of that China day', () => {
    const q = parseListQuery({ 'creationDate.gt': '2026-11-01T00:00:00Z', 'creationDate.lte': '2026-11-30' }, spec);
    expect(dateBounds(q, 'creationDate')).toEqual({
      gt: new Date('2026-11-01T00:00:00Z'),
      lte: new Date('2026-11-30T15:59:59.999Z'),
    });
  });

  it('refuses an unknown filter, an operator on an exact attribute, a date without offset', () => {
    expect(() => parseListQuery({ colour: 'red' }, spec)).toThrow(
      expect.objectContaining({ errors: [expect.objectContaining({ field: 'colour', message: expect.stringContaining('creationDate') })] }),
    );
    expect(() => parseListQuery({ 'name.gt': 'a' }, spec)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => parseListQuery({ creationDate: '2026-11-01T00:00:00' }, spec)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() => parseListQuery({ status: ',' }, spec)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('does not take an inherited property for a filter', () => {
    expect(() => parseListQuery({ toString: 'x' }, spec)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('parseFields', () => {
  it('is null when absent and unique otherwise', () => {
    expect(parseFields(undefined)).toBeNull();
    expect(parseFields('id,id,@type')).toEqual(['id', '@type']);
  });
});

describe('passesFilters', () => {
  const r = { id: 'a', status: 'approved', creationDate: '2026-11-10T00:00:00.000Z', count: 3 };
  it('compares exact values as strings and dates as instants', () => {
    const q = (query: Record<string, string>) => parseListQuery(query, spec).filters;
    expect(passesFilters(r, q({ status: 'approved' }))).toBe(true);
    expect(passesFilters(r, q({ status: 'validated,approved' }))).toBe(true);
    expect(passesFilters(r, q({ status: 'validated' }))).toBe(false);
    expect(passesFilters(r, q({ 'creationDate.gt': '2026-11-09T23:59:59Z' }))).toBe(true);
    expect(passesFilters(r, q({ 'creationDate.gt': '2026-11-10T00:00:00Z' }))).toBe(false);
    expect(passesFilters(r, q({ 'creationDate.gte': '2026-11-10T08:00:00+08:00' }))).toBe(true);
    expect(passesFilters(r, q({ 'creationDate.lt': '2026-11-10T00:00:00Z' }))).toBe(false);
    expect(passesFilters(r, q({ creationDate: '2026-11-10T00:00:00Z' }))).toBe(true);
    expect(passesFilters({ id: 'b' }, q({ status: 'approved' }))).toBe(false);
  });
});

describe('date filters as the conformance kits send them', () => {
  it('reads an offset whose + arrived as a space', () => {
    const q = parseListQuery({ creationDate: '2026-11-30T16:50:37.173 08:00' }, spec);
    expect(dateBounds(q, 'creationDate')).toEqual({ eq: new Date('2026-11-30T08:50:37.173Z') });
  });

  it('compares at millisecond precision: = is [t, t+1ms), .gt starts after t’s millisecond, .lte ends with it', () => {
    const t = new Date('2026-11-30T08:50:37.173Z');
    const t1 = new Date('2026-11-30T08:50:37.174Z');
    expect(millisecondComparisons({ eq: t })).toEqual([
      ['>=', t],
      ['<', t1],
    ]);
    expect(millisecondComparisons({ gt: t, lte: t })).toEqual([
      ['>=', t1],
      ['<', t1],
    ]);
    expect(millisecondComparisons({ gte: t, lt: t })).toEqual([
      ['>=', t],
      ['<', t],
    ]);
    expect(millisecondComparisons({})).toEqual([]);
  });
});
