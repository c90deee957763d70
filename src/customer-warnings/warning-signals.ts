/**
 * The signals of abnormal-customer warnings (异常客户预警, issue 14 point 5)
 * and the pure arithmetic around them. Each signal's SQL is in
 * warning-signals.repository.ts; docs/REPORTS.md ("Customer warnings")
 * states every rule in prose, and the e2e tests generate histories on both
 * sides of each threshold.
 */

import { addDays, chinaDate, daysBetween } from '../common/time/china-days';

/** The China date and month of an instant, by the names the warnings' tests and benchmark use. */
export { chinaDate as chinaDateOf, chinaMonth as chinaMonthOf } from '../common/time/china-days';

export const WARNING_SIGNALS = [
  'fault_spike',
  'repeated_complaints',
  'sla_breaches',
  'arrears',
  'bill_drop',
  'low_callback_score',
] as const;
export type WarningSignal = (typeof WARNING_SIGNALS)[number];

export const WARNING_STATES = ['open', 'acknowledged'] as const;
export type WarningState = (typeof WARNING_STATES)[number];

export const EVALUATION_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type EvaluationState = (typeof EVALUATION_STATES)[number];

/** The thresholds in force (CUSTOMER_WARNING_* variables, src/config/env.schema.ts); each warning keeps those it was raised under. */
export interface WarningThresholds {
  /** fault_spike: faults in the last 7 days at least this… */
  faultsMin: number;
  /** …and at least this many times the 90-day weekly average (faults in 90 days × 7 / 90). */
  faultFactor: number;
  /** repeated_complaints: complaints in the last 30 days at least this. */
  complaintsMin: number;
  /** sla_breaches: breached alerts on the customer's cases in the last 7 days at least this. */
  breachesMin: number;
  /** bill_drop: the latest period's bill below this percentage of the mean of the three periods before. */
  billDropPercent: number;
  /** low_callback_score: a call-back scored at most this. */
  callbackScoreMax: number;
}

/** The windows, fixed by the issue: they end at the evaluation's instant (06:00 China time, or "now" on request). */
export const WINDOW_DAYS = { recent: 7, baseline: 90, complaints: 30 } as const;

/** Which thresholds a signal is judged by (kept on the warning and sent in its event). */
export function thresholdsOf(signal: WarningSignal, t: WarningThresholds): Record<string, number> {
  switch (signal) {
    case 'fault_spike':
      return { faultsMin: t.faultsMin, faultFactor: t.faultFactor, windowDays: WINDOW_DAYS.recent, baselineDays: WINDOW_DAYS.baseline };
    case 'repeated_complaints':
      return { complaintsMin: t.complaintsMin, windowDays: WINDOW_DAYS.complaints };
    case 'sla_breaches':
      return { breachesMin: t.breachesMin, windowDays: WINDOW_DAYS.recent };
    case 'arrears':
      return { bucketStartDays: 61, windowDays: WINDOW_DAYS.recent };
    case 'bill_drop':
      return { billDropPercent: t.billDropPercent, previousPeriods: 3 };
    case 'low_callback_score':
      return { callbackScoreMax: t.callbackScoreMax, windowDays: WINDOW_DAYS.recent };
    default: {
      const unknown: never = signal;
      throw new Error(`no thresholds for ${String(unknown)}`);
    }
  }
}

/**
 * The ISO 8601 week (Monday first; week 1 holds the year's first Thursday) of
 * the China date of an instant, as `YYYY-Www`: the "week" of "once per
 * customer, signal and week". Sunday 23:30 in China is still its week even
 * though it is Sunday 15:30 UTC; Monday 00:30 in China is the next week.
 */
export function chinaIsoWeek(at: Date): string {
  const date = chinaDate(at);
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  const thursday = addDays(date, 3 - weekday);
  const year = thursday.slice(0, 4);
  const week = Math.floor(daysBetween(`${year}-01-01`, thursday) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}
