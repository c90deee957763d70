import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import type { Priority } from '../cases/priority';
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

/** The alert's case as people name it (issue 13): its names and its priority now. */
export type AlertNames = CaseNames & { priority: Priority };

/** `sla.warning`, `sla.breached` and `sla.escalated` (the last adds `escalation`: src/alerts/alerts.service.ts). */
export function alertEventData(a: AlertFacts, names: AlertNames) {
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
    // issue 13: what a message about the alert needs
    priority: `P${names.priority}`,
    ...caseNameFields(names),
  };
}

/** `alert.acknowledged`: the alert, who acknowledged it, when, and their note (null when none). */
export function alertAcknowledgedEvent(a: Alert, names: AlertNames) {
  return {
    ...alertEventData(a, names),
    acknowledgedBy: a.acknowledgedBy!,
    acknowledgedAt: a.acknowledgedAt!.toISOString(),
    note: a.acknowledgedNote,
  };
}
