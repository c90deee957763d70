import type { EvaluatedWarning } from './warning-signals.repository';

/**
 * The payload of `customer.warning` (pinned in
 * test/e2e/event-payloads.e2e-spec.ts: add fields, never rename). Sent once
 * per customer, signal and China ISO week, when the warning is raised.
 */
export function customerWarningEvent(w: EvaluatedWarning, d: { regionName: string; evaluationId: string }): Record<string, unknown> {
  return {
    warningId: w.id,
    customerId: w.customerId,
    customerNo: w.customerNo,
    customerName: w.customerName,
    region: w.region,
    regionName: d.regionName,
    accountManagerId: w.accountManagerId,
    signal: w.signal,
    week: w.week,
    figures: w.figures,
    thresholds: w.thresholds,
    raisedAt: w.raisedAt.toISOString(),
    evaluationId: d.evaluationId,
  };
}
