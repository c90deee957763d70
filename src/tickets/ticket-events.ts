import type { CaseNames } from '../cases/case-names';
import type { TicketState } from '../cases/ticket-lifecycle';
import type { TicketKind, TicketRow } from './ticket-kind.port';

/*
 * The event payloads every kind of ticket shares (`fault.state_changed`,
 * `support.assigned`…): the kind's own data (TicketKind.eventData, with the
 * case's names read after the change) and what happened. A contract with webhook consumers
 * (test/e2e/event-payloads.e2e-spec.ts): add fields, never rename or drop one.
 */

/** `<kind>.state_changed`: the ticket as it is now, the move, and the reason given (null when none). */
export function ticketStateChangedEvent<T extends TicketRow>(
  kind: TicketKind<T>,
  row: T,
  move: { from: TicketState; to: TicketState; reason: string | null },
  names: CaseNames,
) {
  return { ...kind.eventData(row, names), from: move.from, to: move.to, reason: move.reason };
}

/** `<kind>.assigned`: the ticket (as it was), its new assignee (`assigneeName` names them) and the one before. */
export function ticketAssignedEvent<T extends TicketRow>(kind: TicketKind<T>, row: T, engineerId: string, names: CaseNames) {
  return { ...kind.eventData(row, names), assigneeId: engineerId, previousAssigneeId: row.assigneeId };
}
