import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import type { Inquiry } from './inquiry.entity';
import { TOPIC_LABEL } from './inquiry-lifecycle';

/*
 * The inquiry's event payloads, one builder each. A contract with webhook
 * consumers (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename
 * or drop one.
 */

/** `inquiry.created`, and what every inquiry event says about the inquiry. */
export function inquiryEventData(q: Inquiry, names: CaseNames) {
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
    // issue 13: the names a message needs
    ...caseNameFields(names),
  };
}

/** `inquiry.answered`: who answered, and when. */
export function inquiryAnsweredEvent(q: Inquiry, answeredBy: string, answeredAt: Date, names: CaseNames) {
  return { ...inquiryEventData(q, names), answeredBy, answeredAt: answeredAt.toISOString() };
}

/** `inquiry.closed`: closed, or converted into the case named (null when simply closed). */
export function inquiryClosedEvent(
  q: Inquiry,
  convertedTo: { kind: 'order' | 'support'; id: string; caseNo: string } | null,
  names: CaseNames,
) {
  return { ...inquiryEventData(q, names), convertedTo };
}

/** An inquiry's title, as the index, the console and its events show it: the topic and the start of the question. */
export function inquiryTitle(q: Pick<Inquiry, 'topic' | 'question'>): string {
  const text = q.question.replace(/\s+/g, ' ');
  return `${TOPIC_LABEL[q.topic]}: ${text.length > 80 ? `${text.slice(0, 80)}…` : text}`;
}
