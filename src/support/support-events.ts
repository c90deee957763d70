import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import { CATEGORY_LABEL } from './support-category.port';
import type { SupportRequest } from './support-request.entity';

/*
 * The support request's event payloads. A contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 */

/** What every support event says about the request (`support.state_changed` and `support.assigned` add to it: src/tickets/ticket-events.ts). */
export function supportEventData(r: SupportRequest, names: CaseNames) {
  return {
    supportRequestId: r.id,
    caseNo: r.caseNo,
    category: r.category,
    customerId: r.customerId,
    region: r.region,
    severity: r.severity,
    priority: `P${r.priority}`,
    greenChannel: r.greenChannel,
    state: r.state,
    assigneeId: r.assigneeId,
    // issue 13: the names a message needs
    ...caseNameFields(names),
  };
}

/** `support.created`: the request, and the inquiry it was converted from (null when opened directly). */
export function supportCreatedEvent(r: SupportRequest, inquiryId: string | null, names: CaseNames) {
  return { ...supportEventData(r, names), inquiryId };
}

/** A request's title, as the index, the console and its events show it: the category and the start of the description. */
export function supportTitle(r: Pick<SupportRequest, 'category' | 'description'>): string {
  const text = r.description.replace(/\s+/g, ' ');
  return `${CATEGORY_LABEL[r.category]}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
}
