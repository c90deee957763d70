import { KPIS } from './report-kpis';
import type { ReportRowDto, ReportView, ScorecardView } from './dto/report.dto';
import type { ReportFormat } from './dto/report.dto';

/** A section of a report as a table: what the CSV and the XLSX are made of (the JSON carries the same numbers). */
export interface ReportTable {
  name: string;
  columns: { key: string; label: string }[];
  rows: Record<string, string | number | boolean | null>[];
}

const kpiColumns = KPIS.map((k) => ({ key: k.key, label: `${k.label} ${k.key}` }));
const groupTable = (name: string, rows: ReportRowDto[]): ReportTable => ({
  name,
  columns: [{ key: 'key', label: '分组 key' }, { key: 'name', label: '名称 name' }, ...kpiColumns],
  rows: rows.map((r) => ({ key: r.key, name: r.name, ...r.kpis })),
});

export function reportTables(v: ReportView): ReportTable[] {
  return [
    {
      name: 'KPIs',
      columns: [
        { key: 'key', label: '指标 key' },
        { key: 'label', label: '名称 label' },
        { key: 'unit', label: '单位 unit' },
        { key: 'value', label: `${v.period.from}~${v.period.to}` },
        { key: 'previous', label: `${v.previousPeriod.from}~${v.previousPeriod.to}` },
        { key: 'change', label: '变化 change' },
      ],
      rows: v.kpis.map((k) => ({ key: k.key, label: k.label, unit: k.unit, value: k.value, previous: k.previous, change: k.change })),
    },
    groupTable('By region', v.byRegion),
    groupTable('By kind', v.byKind),
    groupTable('By priority', v.byPriority),
    groupTable('By green channel', v.byGreenChannel),
  ];
}

export function scorecardTables(v: ScorecardView): ReportTable[] {
  const keys = [
    ['accountManagerId', '客户经理ID'],
    ['name', '客户经理'],
    ['customersHeld', '在管客户'],
    ['casesOpened', '新建工单'],
    ['casesClosed', '关闭工单'],
    ['breaches', '超时次数'],
    ['resolutionMetPct', '解决及时率%'],
    ['csatAverage', '满意度均分'],
    ['csatAnswered', '满意度参评数'],
    ['callbacksDone', '回访完成'],
    ['callbacksCsatAverage', '回访满意度均分'],
    ['callbacksLowScore', '回访低分'],
    ['csatOverallAverage', '综合满意度均分'],
    ['billedFen', '出账金额(分)'],
    ['collectedFen', '回款金额(分)'],
    ['arrearsFen', '欠费(分)'],
  ];
  return [
    {
      name: 'Account managers',
      columns: keys.map(([key, label]) => ({ key, label: `${label} ${key}` })),
      rows: v.items.map((i) => ({ ...i })),
    },
  ];
}

const csvCell = (v: string | number | boolean | null | undefined): string => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** UTF-8 with a BOM, so Excel opens the Chinese headers right; sections one after another, each under its name, a blank line between. */
export function toCsv(tables: ReportTable[]): Buffer {
  const lines: string[] = [];
  for (const t of tables) {
    if (lines.length) lines.push('');
    lines.push(csvCell(`# ${t.name}`));
    lines.push(t.columns.map((c) => csvCell(c.label)).join(','));
    for (const r of t.rows) lines.push(t.columns.map((c) => csvCell(r[c.key])).join(','));
  }
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n') + '\r\n', 'utf8')]);
}

/** One sheet per section, the header row frozen, numbers stored as numbers (null as an empty cell). */
export async function toXlsx(tables: ReportTable[]): Promise<Buffer> {
  // loaded on first use: a large package that every process would otherwise load at start
  const { default: ExcelJS } = await import('exceljs');
  const book = new ExcelJS.Workbook();
  book.creator = 'Focus One';
  for (const t of tables) {
    const sheet = book.addWorksheet(t.name, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = t.columns.map((c) => ({ header: c.label, key: c.key, width: Math.min(40, Math.max(12, c.label.length + 4)) }));
    sheet.getRow(1).font = { bold: true };
    for (const r of t.rows) sheet.addRow(Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null])));
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

/** ?format= wins; then Accept (text/csv, the XLSX media type, text/html); JSON otherwise. */
export function chooseFormat(format: ReportFormat | undefined, accept: string | undefined): ReportFormat {
  if (format) return format;
  const a = (accept ?? '').toLowerCase();
  if (a.includes('spreadsheetml')) return 'xlsx';
  if (a.includes('text/csv')) return 'csv';
  if (a.includes('text/html')) return 'html';
  return 'json';
}
