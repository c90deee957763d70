import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseFormat, toCsv } from './report-formats';
import { FIGURES, KPIS, emptyFigures, kpiValues, percent } from './report-kpis';
import { addMonths, chinaDate, monthEnd, windowOf } from './report-window';

describe('the KPI table', () => {
  const doc = readFileSync(join(__dirname, '../../docs/REPORTS.md'), 'utf8');

  it('is documented in docs/REPORTS.md: every KPI and every figure by name', () => {
    for (const k of KPIS) expect([k.key, doc.includes(`\`${k.key}\``)]).toEqual([k.key, true]);
    for (const f of FIGURES.filter((x) => !/^csat_[2-4]$/.test(x))) expect([f, doc.includes(`\`${f}\``)]).toEqual([f, true]);
  });

  it('has unique keys, and answers null (not 0) for a share or mean of nothing', () => {
    expect(new Set(KPIS.map((k) => k.key)).size).toBe(KPIS.length);
    const v = kpiValues(emptyFigures());
    expect(v.response_met_pct).toBeNull();
    expect(v.mttr_mean_s).toBeNull();
    expect(v.csat_average).toBeNull();
    expect(v.cases_opened).toBe(0);
  });

  it('rounds shares to one decimal and means to whole seconds', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(2, 3)).toBe(66.7);
    const f = { ...emptyFigures(), mtta_n: 3, mtta_sum_ms: 10_000, csat_answered: 3, csat_sum: 13 };
    expect(kpiValues(f).mtta_mean_s).toBe(3);
    expect(kpiValues(f).csat_average).toBe(4.33);
    // feedback (13 over 3) and call-backs (3 over 2) together: 16 over 5
    const both = { ...f, callbacks_done: 2, callbacks_unreachable: 2, callbacks_score_sum: 3, callbacks_on_time: 1 };
    expect(kpiValues(both)).toMatchObject({
      csat_overall_average: 3.2,
      callbacks_csat_average: 1.5,
      callbacks_reached_pct: 50,
      callbacks_on_time_pct: 25,
    });
    expect(kpiValues(emptyFigures()).csat_overall_average).toBeNull();
  });
});

describe('report windows', () => {
  it('are China days', () => {
    expect(windowOf('2026-11-30', '2026-11-30')).toEqual({
      from: '2026-11-30',
      to: '2026-11-30',
      start: '2026-11-29T16:00:00.000Z',
      end: '2026-11-30T16:00:00.000Z',
    });
    expect(chinaDate(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12-01');
    expect(monthEnd('2024-02')).toBe('2024-02-29');
    expect(addMonths('2026-01-15', -1)).toBe('2025-12-01');
  });
});

describe('report formats', () => {
  it('writes CSV as UTF-8 with a BOM, quoting what needs it', () => {
    const csv = toCsv([{ name: 'T', columns: [{ key: 'a', label: '名称' }], rows: [{ a: 'x,"y"' }, { a: null }] }]);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3).toString('utf8')).toBe('# T\r\n名称\r\n"x,""y"""\r\n\r\n');
  });

  it('takes ?format= before Accept, JSON by default', () => {
    expect(chooseFormat(undefined, 'text/csv')).toBe('csv');
    expect(chooseFormat(undefined, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')).toBe('xlsx');
    expect(chooseFormat('json', 'text/csv')).toBe('json');
    expect(chooseFormat(undefined, '*/*')).toBe('json');
  });
});
