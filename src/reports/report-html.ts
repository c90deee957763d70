import type { EChartsOption } from 'echarts';
import type { ReportView, ScorecardRowDto, ScorecardView } from './dto/report.dto';
import { KPIS, KPI_SECTIONS, type KpiSection } from './report-kpis';

/**
 * The printable report: the KPIs as tables and four charts drawn on the
 * server as SVG by ECharts (SLA met % by region, the daily opened/closed
 * trend, backlog aging, the CSAT distribution). No script runs in the page;
 * it prints as it shows.
 */

export interface TrendPoint {
  day: string;
  opened: number;
  closed: number;
}

const esc = (s: string | number | null) =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);

const SECTION_NAMES: Record<KpiSection, string> = {
  cases: '工单',
  sla: '服务时限 SLA',
  csat: '满意度',
  orders: '订单开通',
  billing: '账务',
};

/** One chart as an SVG string (server-side rendering: no DOM, no animation). */
function chart(echarts: Echarts, option: EChartsOption, width = 640, height = 300): string {
  const c = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    c.setOption({ animation: false, textStyle: { fontFamily: 'sans-serif' }, ...option });
    return c.renderToSVGString();
  } finally {
    c.dispose();
  }
}

/** What this file uses of ECharts (server-side rendering into an SVG string). */
interface Echarts {
  init(
    dom: null,
    theme: null,
    opts: { renderer: 'svg'; ssr: true; width: number; height: number },
  ): { setOption(option: EChartsOption): void; renderToSVGString(): string; dispose(): void };
}

export async function reportCharts(v: ReportView, trend: TrendPoint[]): Promise<{ id: string; title: string; svg: string }[]> {
  // loaded on first use: a large package that every process would otherwise load at start
  const echarts: Echarts = await import('echarts');
  const kpi = (key: string) => v.kpis.find((k) => k.key === key)?.value ?? 0;
  return [
    {
      id: 'sla-by-region',
      title: 'SLA 达标率（按区域）',
      svg: chart(echarts, {
        legend: { top: 0 },
        grid: { top: 40, bottom: 60 },
        xAxis: { type: 'category', data: v.byRegion.map((r) => r.name), axisLabel: { rotate: 30 } },
        yAxis: { type: 'value', max: 100, name: '%' },
        series: [
          { name: '响应', type: 'bar', data: v.byRegion.map((r) => r.kpis.response_met_pct ?? 0) },
          { name: '解决', type: 'bar', data: v.byRegion.map((r) => r.kpis.resolution_met_pct ?? 0) },
        ],
      }),
    },
    {
      id: 'opened-closed-trend',
      title: '每日新建与关闭',
      svg: chart(echarts, {
        legend: { top: 0 },
        grid: { top: 40 },
        xAxis: { type: 'category', data: trend.map((p) => p.day.slice(5)) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: '新建', type: 'line', data: trend.map((p) => p.opened) },
          { name: '关闭', type: 'line', data: trend.map((p) => p.closed) },
        ],
      }),
    },
    {
      id: 'backlog-aging',
      title: '期末积压账龄',
      svg: chart(echarts, {
        xAxis: { type: 'category', data: ['0-1天', '1-3天', '3-7天', '7天以上'] },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: ['backlog_0_1d', 'backlog_1_3d', 'backlog_3_7d', 'backlog_7d_plus'].map(kpi) }],
      }),
    },
    {
      id: 'csat-distribution',
      title: '满意度分布',
      svg: chart(echarts, {
        xAxis: { type: 'category', data: ['1分', '2分', '3分', '4分', '5分'] },
        yAxis: { type: 'value', minInterval: 1 },
        series: [{ type: 'bar', data: [1, 2, 3, 4, 5].map((s) => kpi(`csat_score_${s}`)) }],
      }),
    },
  ];
}

const num = (v: number | null) => (v === null ? '—' : v.toLocaleString('zh-CN'));

export async function reportHtml(v: ReportView, trend: TrendPoint[]): Promise<string> {
  const title = `${v.report === 'daily' ? '日报' : '月报'} ${v.period.from === v.period.to ? v.period.from : `${v.period.from} ~ ${v.period.to}`} · ${v.region.name}`;
  const sections = KPI_SECTIONS.map((s) => {
    const rows = v.kpis
      .filter((k) => k.section === s)
      .map(
        (k) =>
          `<tr><td>${esc(k.label)}</td><td class="n">${num(k.value)}</td><td class="n">${num(k.previous)}</td><td class="n">${num(k.change)}</td></tr>`,
      )
      .join('');
    return `<h2>${esc(SECTION_NAMES[s])}</h2><table><thead><tr><th>指标</th><th>本期</th><th>上期</th><th>变化</th></tr></thead><tbody>${rows}</tbody></table>`;
  }).join('');
  const regionKeys = [
    'cases_opened',
    'cases_closed',
    'response_met_pct',
    'resolution_met_pct',
    'breaches',
    'work_orders_on_time_pct',
    'collected_fen',
  ];
  const label = (key: string) => KPIS.find((k) => k.key === key)?.label ?? key;
  const regions = `<h2>分区域</h2><table><thead><tr><th>区域</th>${regionKeys.map((k) => `<th>${esc(label(k))}</th>`).join('')}</tr></thead><tbody>${v.byRegion
    .map((r) => `<tr><td>${esc(r.name)}</td>${regionKeys.map((k) => `<td class="n">${num(r.kpis[k] ?? null)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
  const charts = (await reportCharts(v, trend))
    .map((c) => `<figure id="${c.id}"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`)
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:20px}
table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}td.n{text-align:right}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:4px}
@media print{body{margin:0}}
</style></head><body>
<h1>${esc(title)}</h1>
<p>统计口径见 docs/REPORTS.md · 生成于 ${esc(v.builtAt ?? '')}${v.partial ? ' · 当日数据截至生成时' : ''}</p>
<div class="charts">${charts}</div>
${sections}${regions}
</body></html>
`;
}

/* ---- the scorecard's printable page ---- */

/** The scorecard's columns as they print, in the order of the CSV and the XLSX (report-formats.ts `scorecardTables`). */
const SCORECARD_ROWS: [keyof ScorecardRowDto, string, (v: number) => string][] = [
  ['customersHeld', '在管客户', (v) => num(v)],
  ['casesOpened', '新建工单', (v) => num(v)],
  ['casesClosed', '关闭工单', (v) => num(v)],
  ['breaches', '超时次数', (v) => num(v)],
  ['resolutionMetPct', '解决及时率%', (v) => num(v)],
  ['csatAverage', '满意度均分', (v) => num(v)],
  ['csatAnswered', '满意度参评数', (v) => num(v)],
  ['callbacksDone', '回访完成', (v) => num(v)],
  ['callbacksCsatAverage', '回访满意度均分', (v) => num(v)],
  ['callbacksLowScore', '回访低分', (v) => num(v)],
  ['csatOverallAverage', '综合满意度均分', (v) => num(v)],
  ['billedFen', '出账金额(元)', yuan],
  ['collectedFen', '回款金额(元)', yuan],
  ['arrearsFen', '欠费(元)', yuan],
];

function yuan(fen: number): string {
  return (fen / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** Two charts across the account managers: breaches, and the CSAT average (feedback and call-backs) beside the resolution met %. */
export async function scorecardCharts(v: ScorecardView): Promise<{ id: string; title: string; svg: string }[]> {
  const echarts: Echarts = await import('echarts');
  const names = v.items.map((i) => i.name ?? i.accountManagerId.slice(0, 8));
  // one bar per manager: wide enough for a region's managers, however many
  const width = Math.max(640, Math.min(2400, 60 + names.length * 36));
  const axis = { type: 'category' as const, data: names, axisLabel: { rotate: names.length > 8 ? 45 : 0, interval: 0 } };
  return [
    {
      id: 'breaches-by-manager',
      title: '超时次数（按客户经理）',
      svg: chart(
        echarts,
        {
          grid: { top: 30, bottom: 90 },
          xAxis: axis,
          yAxis: { type: 'value', minInterval: 1 },
          series: [{ name: '超时', type: 'bar', data: v.items.map((i) => i.breaches) }],
        },
        width,
      ),
    },
    {
      id: 'csat-by-manager',
      title: '综合满意度均分与解决及时率（按客户经理）',
      svg: chart(
        echarts,
        {
          legend: { top: 0 },
          grid: { top: 40, bottom: 90 },
          xAxis: axis,
          yAxis: [
            { type: 'value', min: 0, max: 5, name: '分' },
            { type: 'value', min: 0, max: 100, name: '%' },
          ],
          series: [
            { name: '综合满意度均分', type: 'bar', data: v.items.map((i) => i.csatOverallAverage ?? 0) },
            { name: '解决及时率%', type: 'line', yAxisIndex: 1, data: v.items.map((i) => i.resolutionMetPct ?? 0) },
          ],
        },
        width,
      ),
    },
  ];
}

/** The scorecard to print: the charts, then one table per account manager (a page each is too much; they break between tables). */
export async function scorecardHtml(v: ScorecardView): Promise<string> {
  const title = `客户经理绩效 ${v.month} · ${v.region.name}`;
  const charts = (await scorecardCharts(v))
    .map((c) => `<figure id="${c.id}"><figcaption>${esc(c.title)}</figcaption>${c.svg}</figure>`)
    .join('');
  const tables = v.items
    .map((i) => {
      const rows = SCORECARD_ROWS.map(([key, label, show]) => {
        const value = i[key] as number | null;
        return `<tr><td>${esc(label)}</td><td class="n">${value === null ? '—' : esc(show(value))}</td></tr>`;
      }).join('');
      return `<section class="manager" data-account-manager-id="${esc(i.accountManagerId)}"><h2>${esc(i.name ?? i.accountManagerId)}</h2><table><tbody>${rows}</tbody></table></section>`;
    })
    .join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>
body{font-family:sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:15px;margin:12px 0 4px}
table{border-collapse:collapse;margin:4px 0}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}td.n{text-align:right;min-width:90px}
.charts{display:flex;flex-wrap:wrap;gap:12px}figure{margin:0;break-inside:avoid}figcaption{font-weight:bold;margin-bottom:4px}
.managers{display:flex;flex-wrap:wrap;gap:16px}section.manager{break-inside:avoid}
@media print{body{margin:0}}
</style></head><body>
<h1>${esc(title)}</h1>
<p>统计口径见 docs/REPORTS.md · 在管客户为当前持有 · 欠费为月末（最后一个已生成日）</p>
<div class="charts">${charts}</div>
<div class="managers">${tables || '<p>本期无客户经理数据</p>'}</div>
</body></html>
`;
}
