import { priorityLabel } from '../cases/priority';
import { allowedTicketMoves } from '../cases/ticket-lifecycle';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { maskMobile } from '../common/masking';
import type { ClockView } from '../sla/sla-view.port';
import { slaView } from '../sla/sla-view.port';
import type { SupportRequestDto } from './dto/support-request.dto';
import type { SupportRequest } from './support-request.entity';

/** Who may see the contact's number in full: the people who call them back (as for a fault's reporter). */
export function maySeeContact(auth: AuthContext, r: Pick<SupportRequest, 'assigneeId'>, accountManagerId: string | null): boolean {
  return hasRole(auth, 'admin', 'director') || r.assigneeId === auth.staffId || accountManagerId === auth.staffId;
}

export function toSupportRequestDto(r: SupportRequest, clocks: ClockView[], unmasked: boolean): SupportRequestDto {
  return {
    id: r.id,
    caseNo: r.caseNo,
    customerId: r.customerId,
    category: r.category,
    severity: r.severity,
    description: r.description,
    siteId: r.siteId,
    preferredAt: r.preferredAt,
    contactName: r.contactName,
    contactMobile: r.contactMobile === null || unmasked ? r.contactMobile : maskMobile(r.contactMobile),
    region: r.region,
    state: r.state,
    priority: priorityLabel(r.priority),
    greenChannel: r.greenChannel,
    assigneeId: r.assigneeId,
    sla: slaView(clocks),
    allowedTransitions: [...allowedTicketMoves(r.state)],
    feedbackScore: r.feedbackScore,
    feedbackComment: r.feedbackComment,
    inquiryId: r.inquiryId,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    resolvedAt: r.resolvedAt,
    closedAt: r.closedAt,
  };
}
