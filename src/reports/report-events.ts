/**
 * Payloads of the events the reports module publishes, one builder each
 * (pinned in test/e2e/event-payloads.e2e-spec.ts: add fields, never rename).
 */

/** A finished China day's figures are in the rollups (the 00:30 job, or a rebuild of a past day). */
export function reportDailyReadyEvent(d: { date: string; builtAt: Date; rebuild: boolean }): Record<string, unknown> {
  return { date: d.date, builtAt: d.builtAt.toISOString(), rebuild: d.rebuild };
}

/** On the 1st, after the month's last day was built: the month's report can be read. */
export function reportMonthlyReadyEvent(d: { month: string; daysBuilt: number; builtAt: Date }): Record<string, unknown> {
  return { month: d.month, daysBuilt: d.daysBuilt, builtAt: d.builtAt.toISOString() };
}
