import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import type { Fault } from './fault.entity';

/**
 * `fault.created`, and what every fault event says about the fault
 * (`fault.state_changed` and `fault.assigned` add to it: TicketKind.eventData,
 * src/tickets/ticket-events.ts). A contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 */
export function faultEventData(f: Fault, names: CaseNames) {
  return {
    faultId: f.id,
    caseNo: f.caseNo,
    category: f.category,
    customerId: f.customerId,
    region: f.region,
    severity: f.severity,
    priority: `P${f.priority}`,
    greenChannel: f.greenChannel,
    state: f.state,
    // issue 13: the names a message needs (the title is the fault's own)
    ...caseNameFields({ ...names, title: f.title }),
  };
}
