import type { Inquiry } from './inquiry.entity';

/*
 * The inquiry's event payloads, one builder each. A contract with webhook
 * consumers (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename
 * or drop one.
 */

/** `inquiry.created`, and what every inquiry event says about the inquiry. */
export function inquiryEventData(q: Inquiry) {
  return {
    inquiryId: q.id,
    caseNo: q.caseNo,
    customerId: q.customerId,
    region: q.region,
    channel: q.channel,
    topic: q.topic,
    priority: `P${q.priority}`,
    greenChannel: q.greenChannel,
    state: q.state,
  };
}

/** `inquiry.answered`: who answered, and when. */
export function inquiryAnsweredEvent(q: Inquiry, answeredBy: string, answeredAt: Date) {
  return { ...inquiryEventData(q), answeredBy, answeredAt: answeredAt.toISOString() };
}

/** `inquiry.closed`: closed, or converted into the case named (null when simply closed). */
export function inquiryClosedEvent(q: Inquiry, convertedTo: { kind: 'order' | 'support'; id: string; caseNo: string } | null) {
  return { ...inquiryEventData(q), convertedTo };
}
