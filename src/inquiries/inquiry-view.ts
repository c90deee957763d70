import { priorityLabel } from '../cases/priority';
import type { AuthContext } from '../common/auth/auth-context';
import { hasRole } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { maskMobile } from '../common/masking';
import type { ClockView } from '../sla/sla-view.port';
import { slaView } from '../sla/sla-view.port';
import type { InquiryDto } from './dto/inquiry.dto';
import { allowedInquiryActions } from './inquiry-lifecycle';
import type { Inquiry } from './inquiry.entity';

/**
 * Who may see the caller's number in full: as for customer contacts, admins,
 * directors and the customer's account manager; and for a caller who is not
 * a customer (nobody else would call them back, issue 11), the staff member
 * who took the inquiry and the agents of its region.
 */
export function maySeeCaller(
  auth: AuthContext,
  q: Pick<Inquiry, 'customerId' | 'createdBy' | 'region'>,
  accountManagerId: string | null,
): boolean {
  if (hasRole(auth, 'admin', 'director') || (accountManagerId !== null && accountManagerId === auth.staffId)) return true;
  return q.customerId === null && (q.createdBy === auth.staffId || (hasRole(auth, 'agent') && covers(auth, q.region)));
}

export function toInquiryDto(q: Inquiry, clocks: ClockView[], unmasked: boolean, convertedCaseNo: string | null = null): InquiryDto {
  return {
    id: q.id,
    caseNo: q.caseNo,
    customerId: q.customerId,
    callerName: q.callerName,
    callerMobile: unmasked ? q.callerMobile : maskMobile(q.callerMobile),
    channel: q.channel,
    topic: q.topic,
    question: q.question,
    region: q.region,
    urgent: q.urgent,
    state: q.state,
    priority: priorityLabel(q.priority),
    greenChannel: q.greenChannel,
    sla: slaView(clocks),
    allowedActions: allowedInquiryActions(q.state),
    answer: q.answer,
    answeredBy: q.answeredBy,
    answeredAt: q.answeredAt,
    convertedTo: q.convertedToKind && q.convertedToId ? { kind: q.convertedToKind, id: q.convertedToId, caseNo: convertedCaseNo } : null,
    version: q.version,
    createdAt: q.createdAt,
    updatedAt: q.updatedAt,
    closedAt: q.closedAt,
  };
}
