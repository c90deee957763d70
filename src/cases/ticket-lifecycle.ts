/**
 * The ticket lifecycle shared by faults, complaints and support requests
 * (TMF621 states in snake_case). The service, the OpenAPI text and the tests
 * all read this table.
 */
export const TICKET_STATES = ['acknowledged', 'in_progress', 'pending', 'held', 'resolved', 'closed', 'rejected', 'cancelled'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const TICKET_TRANSITIONS: Record<TicketState, readonly TicketState[]> = {
  acknowledged: ['in_progress', 'rejected', 'cancelled'],
  in_progress: ['pending', 'held', 'resolved', 'cancelled'],
  pending: ['in_progress'],
  held: ['in_progress'],
  resolved: ['closed', 'in_progress'], // closed: customer accepts; in_progress: customer rejects the fix
  closed: [],
  rejected: [],
  cancelled: [],
};

/** Moves that must say why. */
export const TICKET_NEEDS_REASON: readonly TicketState[] = ['pending', 'held'];

/** States with work still to do (the console queue); resolved waits on the customer's acceptance. */
export const TICKET_OPEN_STATES: readonly TicketState[] = ['acknowledged', 'in_progress', 'pending', 'held'];
export const TICKET_FINAL_STATES: readonly TicketState[] = ['closed', 'rejected', 'cancelled'];

export const allowedTicketMoves = (from: TicketState) => TICKET_TRANSITIONS[from];
export const canMoveTicket = (from: TicketState, to: TicketState) => TICKET_TRANSITIONS[from].includes(to);

/** What each move does to the SLA clocks (docs/ARCHITECTURE.md, "Ticket lifecycle" and "SLA clocks"). */
export type ClockEffect = 'stop_response' | 'pause_resolution' | 'resume_resolution' | 'stop_resolution' | 'stop_all';

export function clockEffects(from: TicketState, to: TicketState): ClockEffect[] {
  if (TICKET_FINAL_STATES.includes(to)) return ['stop_all'];
  switch (to) {
    case 'in_progress':
      // pending → in_progress and resolved → in_progress (reopened) resume the resolution clock
      return from === 'pending' || from === 'resolved' ? ['stop_response', 'resume_resolution'] : ['stop_response'];
    case 'pending':
      return ['pause_resolution'];
    case 'resolved':
      return ['stop_response', 'stop_resolution'];
    default:
      return []; // held: blocked inside the operator, the clock keeps running
  }
}
