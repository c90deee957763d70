import { allowedTicketMoves } from '../cases/ticket-lifecycle';
import { priorityLabel } from '../cases/priority';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { maskMobile } from '../common/masking';
import type { ClockView } from '../sla/sla-view.port';
import { slaView } from '../sla/sla-view.port';
import type { FaultDto } from './dto/fault.dto';
import type { Fault } from './fault.entity';

/** Who may see the reporter's number in full: the people who call them back. */
export function maySeeReporter(auth: AuthContext, f: Fault, accountManagerId: string | null): boolean {
  return hasRole(auth, 'admin', 'director') || f.assigneeId === auth.staffId || accountManagerId === auth.staffId;
}

export function toFaultDto(f: Fault, clocks: ClockView[], unmasked: boolean): FaultDto {
  return {
    id: f.id,
    caseNo: f.caseNo,
    customerId: f.customerId,
    category: f.category,
    severity: f.severity,
    title: f.title,
    description: f.description,
    reportedVia: f.reportedVia,
    serviceInstanceId: f.serviceInstanceId,
    siteId: f.siteId,
    region: f.region,
    reporterName: f.reporterName,
    reporterMobile: unmasked || f.reporterMobile === null ? f.reporterMobile : maskMobile(f.reporterMobile),
    state: f.state,
    priority: priorityLabel(f.priority),
    greenChannel: f.greenChannel,
    assigneeId: f.assigneeId,
    sla: slaView(clocks),
    allowedTransitions: [...allowedTicketMoves(f.state)],
    feedbackScore: f.feedbackScore,
    feedbackComment: f.feedbackComment,
    version: f.version,
    createdAt: f.createdAt,
    updatedAt: f.updatedAt,
    resolvedAt: f.resolvedAt,
    closedAt: f.closedAt,
    possibleDuplicateOf: f.possibleDuplicateOf,
  };
}
