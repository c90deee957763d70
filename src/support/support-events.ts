import type { SupportRequest } from './support-request.entity';

/*
 * The support request's event payloads. A contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 */

/** What every support event says about the request (`support.state_changed` and `support.assigned` add to it: src/tickets/ticket-events.ts). */
export function supportEventData(r: SupportRequest) {
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
  };
}

/** `support.created`: the request, and the inquiry it was converted from (null when opened directly). */
export function supportCreatedEvent(r: SupportRequest, inquiryId: string | null) {
  return { ...supportEventData(r), inquiryId };
}
