import type { AlertLevel, ClockName } from '../sla/sla-levels.port';
import type { Alert } from './alert.entity';

/*
 * The alert's event payloads. A contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 */

/** What every alert event says about the alert. */
interface AlertFacts {
  id: string;
  caseKind: string;
  caseId: string;
  caseNo: string;
  customerId: string | null;
  region: string;
  clock: ClockName;
  level: AlertLevel;
  dueAt: Date;
  raisedAt: Date;
}

/** `sla.warning`, `sla.breached` and `sla.escalated` (the last adds `escalation`: src/alerts/alerts.service.ts). */
export function alertEventData(a: AlertFacts) {
  return {
    alertId: a.id,
    caseKind: a.caseKind,
    caseId: a.caseId,
    caseNo: a.caseNo,
    customerId: a.customerId,
    region: a.region,
    clock: a.clock,
    level: a.level,
    dueAt: a.dueAt.toISOString(),
    raisedAt: a.raisedAt.toISOString(),
  };
}

/** `alert.acknowledged`: the alert, who acknowledged it, when, and their note (null when none). */
export function alertAcknowledgedEvent(a: Alert) {
  return {
    ...alertEventData(a),
    acknowledgedBy: a.acknowledgedBy!,
    acknowledgedAt: a.acknowledgedAt!.toISOString(),
    note: a.acknowledgedNote,
  };
}
