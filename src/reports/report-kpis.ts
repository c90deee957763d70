/**
 * The KPIs of issue 14, defined once (docs/REPORTS.md is this table in
 * prose). Each KPI is computed from "figures": raw sums and counts that add
 * up across days and regions (or, for stocks, are read on the last day of
 * the period, and for p90s are taken over the durations of the period).
 * The rollup reader and the direct definition (`kpi-definitions.repository.ts`,
 * one SQL statement per figure over the raw tables) both produce figures;
 * `kpiValues` turns either into the KPIs, so the two can only differ by
 * their figures, which is what the tests compare.
 */

export const FIGURES = [
  'opened',
  'closed',
  'open_eod',
  'aging_0_1',
  'aging_1_3',
  'aging_3_7',
  'aging_7_plus',
  'response_ended',
  'response_met',
  'resolution_ended',
  'resolution_met',
  'breaches',
  'escalations',
  'mtta_n',
  'mtta_sum_ms',
  'mtta_p90_ms',
  'mtta_working_sum_ms',
  'mtta_working_p90_ms',
  'mttr_n',
  'mttr_sum_ms',
  'mttr_p90_ms',
  'mttr_working_sum_ms',
  'mttr_working_p90_ms',
  'csat_closed',
  'csat_answered',
  'csat_sum',
  'csat_1',
  'csat_2',
  'csat_3',
  'csat_4',
  'csat_5',
  'callbacks_created',
  'callbacks_done',
  'callbacks_unreachable',
  'callbacks_on_time',
  'callbacks_score_sum',
  'callbacks_low_score',
  'orders_accepted',
  'orders_completed',
  'orders_on_time',
  'orders_lead_time_ms',
  'work_orders_completed',
  'work_orders_on_time',
  'billed_fen',
  'collected_fen',
  'arrears_0_30_fen',
  'arrears_31_60_fen',
  'arrears_61_90_fen',
  'arrears_90_plus_fen',
] as const;
export type Figure = (typeof FIGURES)[number];
export type Figures = Record<Figure, number | null>;

export const KPI_SECTIONS = ['cases', 'sla', 'csat', 'orders', 'billing'] as const;
export type KpiSection = (typeof KPI_SECTIONS)[number];
export type KpiUnit = 'count' | 'percent' | 'seconds' | 'score' | 'fen';

export interface KpiDefinition {
  key: string;
  section: KpiSection;
  /** The name the department uses (Chinese), for the CSV and XLSX headers. */
  label: string;
  unit: KpiUnit;
  /** The exact rule, as docs/REPORTS.md states it. */
  rule: string;
  /** A stock is read at the end of the period (the last day), a flow is summed over it. */
  stock?: true;
  value: (f: Figures) => number | null;
}

const n = (v: number | null) => v ?? 0;
/** A share in percent with one decimal; null when there is nothing to share. */
export const percent = (part: number | null, whole: number | null): number | null =>
  n(whole) === 0 ? null : Math.round((1000 * n(part)) / n(whole)) / 10;
/** A mean of milliseconds in whole seconds; null for no sample. */
const meanSeconds = (sumMs: number | null, count: number | null): number | null =>
  n(count) === 0 ? null : Math.round(n(sumMs) / n(count) / 1000);
const seconds = (ms: number | null): number | null => (ms === null ? null : Math.round(ms / 1000));

const CASES =
  'faults, complaints, support requests, inquiries and orders (case_index; work orders are counted under orders, call-backs under csat)';
const CALLBACKS =
  'satisfaction call-backs (callbacks, kind callback: by their own region, priority and green channel, copied from the case)';
const ENDED = 'a clock counts on the China day it stopped (state stopped, stopped_at in the day), if its case is not cancelled or rejected';

export const KPIS: KpiDefinition[] = [
  {
    key: 'cases_opened',
    section: 'cases',
    label: '新建工单',
    unit: 'count',
    rule: `${CASES} whose opened_at falls in the period`,
    value: (f) => n(f.opened),
  },
  {
    key: 'cases_closed',
    section: 'cases',
    label: '关闭工单',
    unit: 'count',
    rule: `${CASES} that reached a final state in the period (closed_at, set once on the final state: closed, rejected, cancelled; an order completed, partial, failed)`,
    value: (f) => n(f.closed),
  },
  {
    key: 'cases_open_end',
    section: 'cases',
    label: '期末未结',
    unit: 'count',
    stock: true,
    rule: 'cases opened before the end of the last day and not in a final state then (closed_at null or later; a resolved ticket awaiting acceptance is open)',
    value: (f) => n(f.open_eod),
  },
  {
    key: 'backlog_0_1d',
    section: 'cases',
    label: '积压0-1天',
    unit: 'count',
    stock: true,
    rule: 'open at the end: age (end − opened_at) under 1 day',
    value: (f) => n(f.aging_0_1),
  },
  {
    key: 'backlog_1_3d',
    section: 'cases',
    label: '积压1-3天',
    unit: 'count',
    stock: true,
    rule: 'open at the end: age from 1 day to under 3',
    value: (f) => n(f.aging_1_3),
  },
  {
    key: 'backlog_3_7d',
    section: 'cases',
    label: '积压3-7天',
    unit: 'count',
    stock: true,
    rule: 'open at the end: age from 3 days to under 7',
    value: (f) => n(f.aging_3_7),
  },
  {
    key: 'backlog_7d_plus',
    section: 'cases',
    label: '积压7天以上',
    unit: 'count',
    stock: true,
    rule: 'open at the end: age 7 days or more',
    value: (f) => n(f.aging_7_plus),
  },
  {
    key: 'response_met_pct',
    section: 'sla',
    label: '响应及时率%',
    unit: 'percent',
    rule: `response clocks ended in the period with stopped_at ≤ due_at, over all of them; ${ENDED}. due_at is laid out in working time and moved by every pause, so pauses are excluded`,
    value: (f) => percent(f.response_met, f.response_ended),
  },
  {
    key: 'resolution_met_pct',
    section: 'sla',
    label: '解决及时率%',
    unit: 'percent',
    rule: `the same for resolution clocks (a reopened case counts again on the day its clock stops again)`,
    value: (f) => percent(f.resolution_met, f.resolution_ended),
  },
  {
    key: 'breaches',
    section: 'sla',
    label: '超时次数',
    unit: 'count',
    rule: 'alerts of level breached raised in the period (either clock)',
    value: (f) => n(f.breaches),
  },
  {
    key: 'escalations',
    section: 'sla',
    label: '升级次数',
    unit: 'count',
    rule: 'alerts of level escalated_2 or escalated_3 raised in the period',
    value: (f) => n(f.escalations),
  },
  {
    key: 'mtta_mean_s',
    section: 'sla',
    label: '平均响应时长(秒)',
    unit: 'seconds',
    rule: `MTTA, elapsed: mean of (response stopped_at − case opened_at) over the response clocks ended in the period; ${ENDED}`,
    value: (f) => meanSeconds(f.mtta_sum_ms, f.mtta_n),
  },
  {
    key: 'mtta_p90_s',
    section: 'sla',
    label: '响应时长P90(秒)',
    unit: 'seconds',
    rule: 'the 90th percentile (nearest rank, percentile_disc) of the same',
    value: (f) => seconds(f.mtta_p90_ms),
  },
  {
    key: 'mtta_working_mean_s',
    section: 'sla',
    label: '平均响应工作时长(秒)',
    unit: 'seconds',
    rule: 'MTTA in working time: mean of the stopped response clocks’ worked_ms (working time on the clock’s calendar, pauses excluded)',
    value: (f) => meanSeconds(f.mtta_working_sum_ms, f.mtta_n),
  },
  {
    key: 'mtta_working_p90_s',
    section: 'sla',
    label: '响应工作时长P90(秒)',
    unit: 'seconds',
    rule: 'the 90th percentile of the same',
    value: (f) => seconds(f.mtta_working_p90_ms),
  },
  {
    key: 'mttr_mean_s',
    section: 'sla',
    label: '平均解决时长(秒)',
    unit: 'seconds',
    rule: 'MTTR, elapsed: mean of (resolution stopped_at − case opened_at) over the resolution clocks ended in the period',
    value: (f) => meanSeconds(f.mttr_sum_ms, f.mttr_n),
  },
  {
    key: 'mttr_p90_s',
    section: 'sla',
    label: '解决时长P90(秒)',
    unit: 'seconds',
    rule: 'the 90th percentile of the same',
    value: (f) => seconds(f.mttr_p90_ms),
  },
  {
    key: 'mttr_working_mean_s',
    section: 'sla',
    label: '平均解决工作时长(秒)',
    unit: 'seconds',
    rule: 'MTTR in working time: mean of the stopped resolution clocks’ worked_ms',
    value: (f) => meanSeconds(f.mttr_working_sum_ms, f.mttr_n),
  },
  {
    key: 'mttr_working_p90_s',
    section: 'sla',
    label: '解决工作时长P90(秒)',
    unit: 'seconds',
    rule: 'the 90th percentile of the same',
    value: (f) => seconds(f.mttr_working_p90_ms),
  },
  {
    key: 'csat_average',
    section: 'csat',
    label: '满意度均分',
    unit: 'score',
    rule: 'faults, complaints and support requests closed (state closed) in the period: mean feedback_score (1–5, two decimals) of those answered',
    value: (f) => (n(f.csat_answered) === 0 ? null : Math.round((100 * n(f.csat_sum)) / n(f.csat_answered)) / 100),
  },
  {
    key: 'csat_answered_pct',
    section: 'csat',
    label: '满意度参评率%',
    unit: 'percent',
    rule: 'of those closed cases, the share with a feedback score',
    value: (f) => percent(f.csat_answered, f.csat_closed),
  },
  ...([1, 2, 3, 4, 5] as const).map((s): KpiDefinition => ({
    key: `csat_score_${s}`,
    section: 'csat',
    label: `${s}分`,
    unit: 'count',
    rule: `of those closed cases, how many scored ${s}`,
    value: (f) => n(f[`csat_${s}`]),
  })),
  {
    key: 'callbacks_created',
    section: 'csat',
    label: '回访任务',
    unit: 'count',
    rule: `${CALLBACKS} created in the period (created_at: the closing of their case)`,
    value: (f) => n(f.callbacks_created),
  },
  {
    key: 'callbacks_done',
    section: 'csat',
    label: '回访完成',
    unit: 'count',
    rule: 'call-backs that reached done (the customer was reached and scored) in the period (finished_at)',
    value: (f) => n(f.callbacks_done),
  },
  {
    key: 'callbacks_unreachable',
    section: 'csat',
    label: '回访未接通',
    unit: 'count',
    rule: 'call-backs that became unreachable (three attempts, nobody reached) in the period (finished_at)',
    value: (f) => n(f.callbacks_unreachable),
  },
  {
    key: 'callbacks_reached_pct',
    section: 'csat',
    label: '回访接通率%',
    unit: 'percent',
    rule: 'of the call-backs finished in the period (done or unreachable), the share done',
    value: (f) => percent(f.callbacks_done, n(f.callbacks_done) + n(f.callbacks_unreachable)),
  },
  {
    key: 'callbacks_on_time_pct',
    section: 'csat',
    label: '回访及时率%',
    unit: 'percent',
    rule: 'of the call-backs finished in the period, the share finished by their due time (finished_at ≤ due_at)',
    value: (f) => percent(f.callbacks_on_time, n(f.callbacks_done) + n(f.callbacks_unreachable)),
  },
  {
    key: 'callbacks_csat_average',
    section: 'csat',
    label: '回访满意度均分',
    unit: 'score',
    rule: 'of the call-backs done in the period, the mean score (1–5, two decimals)',
    value: (f) => (n(f.callbacks_done) === 0 ? null : Math.round((100 * n(f.callbacks_score_sum)) / n(f.callbacks_done)) / 100),
  },
  {
    key: 'callbacks_low_score',
    section: 'csat',
    label: '回访低分(1-2分)',
    unit: 'count',
    rule: 'of the call-backs done in the period, how many scored 1 or 2',
    value: (f) => n(f.callbacks_low_score),
  },
  {
    key: 'csat_overall_average',
    section: 'csat',
    label: '综合满意度均分',
    unit: 'score',
    rule: 'feedback and call-backs together: (sum of the feedback scores of the closed cases + sum of the scores of the call-backs done) over (their count), two decimals',
    value: (f) => {
      const count = n(f.csat_answered) + n(f.callbacks_done);
      return count === 0 ? null : Math.round((100 * (n(f.csat_sum) + n(f.callbacks_score_sum))) / count) / 100;
    },
  },
  {
    key: 'orders_accepted',
    section: 'orders',
    label: '受理订单',
    unit: 'count',
    rule: 'orders created in the period, by accepted_region',
    value: (f) => n(f.orders_accepted),
  },
  {
    key: 'orders_completed',
    section: 'orders',
    label: '竣工订单',
    unit: 'count',
    rule: 'orders that reached completed (closed_at) in the period (partial, rejected and cancelled are not completions)',
    value: (f) => n(f.orders_completed),
  },
  {
    key: 'orders_on_time_pct',
    section: 'orders',
    label: '订单按时竣工率%',
    unit: 'percent',
    rule: 'of those completed, the share with closed_at ≤ committedCompletionAt',
    value: (f) => percent(f.orders_on_time, f.orders_completed),
  },
  {
    key: 'orders_lead_time_mean_s',
    section: 'orders',
    label: '平均开通时长(秒)',
    unit: 'seconds',
    rule: 'of those completed, mean of (closed_at − created_at)',
    value: (f) => meanSeconds(f.orders_lead_time_ms, f.orders_completed),
  },
  {
    key: 'work_orders_on_time_pct',
    section: 'orders',
    label: '工单按时完成率%',
    unit: 'percent',
    rule: 'work orders completed in the period, by their own region: the share with closed_at ≤ their due_at',
    value: (f) => percent(f.work_orders_on_time, f.work_orders_completed),
  },
  {
    key: 'billed_fen',
    section: 'billing',
    label: '出账金额(分)',
    unit: 'fen',
    rule: 'bill lines (amount_fen) of bills issued in the period, by serving region',
    value: (f) => n(f.billed_fen),
  },
  {
    key: 'collected_fen',
    section: 'billing',
    label: '回款金额(分)',
    unit: 'fen',
    rule: 'payments received in the period minus payments reversed in the period (each on its own day), by collecting region',
    value: (f) => n(f.collected_fen),
  },
  {
    key: 'collection_rate_pct',
    section: 'billing',
    label: '回款率%',
    unit: 'percent',
    rule: 'collected over billed, for the same period and regions',
    value: (f) => percent(f.collected_fen, f.billed_fen),
  },
  ...(
    [
      ['0_30', '0-30', 'from 1 to 30'],
      ['31_60', '31-60', 'from 31 to 60'],
      ['61_90', '61-90', 'from 61 to 90'],
      ['90_plus', '90+', 'more than 90'],
    ] as const
  ).map(([k, label, days]): KpiDefinition => ({
    key: `arrears_${k}_fen`,
    section: 'billing',
    label: `欠费${label}天(分)`,
    unit: 'fen',
    stock: true,
    rule: `at the end of the last day: what bill lines past their due date by ${days} days still owe (due_fen minus the allocations made by then and not reversed by then), by serving region`,
    value: (f) => n(f[`arrears_${k}_fen`]),
  })),
];

/** Every KPI's value from a set of figures, keyed by KPI. */
export function kpiValues(f: Figures): Record<string, number | null> {
  return Object.fromEntries(KPIS.map((k) => [k.key, k.value(f)]));
}

export const emptyFigures = (): Figures => Object.fromEntries(FIGURES.map((k) => [k, 0])) as Figures;
