import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import type { Callback } from './callback.entity';

/**
 * The payloads of the call-back events: a contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 * `callback.created` is what the customer-notice SMS hooks onto (a message
 * that someone will call); `callback.low_score` goes to the customer's
 * account manager (`accountManagerId`).
 */
function callbackEventData(c: Callback, names: CaseNames) {
  return {
    callbackId: c.id,
    callbackNo: c.callbackNo,
    caseKind: c.caseKind,
    caseId: c.caseId,
    caseNumber: c.caseNumber,
    customerId: c.customerId,
    region: c.region,
    ...caseNameFields(names),
  };
}

export function callbackCreatedEvent(c: Callback, names: CaseNames) {
  return {
    ...callbackEventData(c, names),
    dueAt: c.dueAt.toISOString(),
    selectedBy: c.selectedBy,
    priority: `P${c.priority}`,
    greenChannel: c.greenChannel,
  };
}

export function callbackLowScoreEvent(c: Callback, names: CaseNames, accountManagerId: string | null) {
  return {
    ...callbackEventData(c, names),
    score: c.score,
    comment: c.comment,
    reasons: c.reasons,
    accountManagerId,
    attemptedBy: c.assigneeId,
  };
}
