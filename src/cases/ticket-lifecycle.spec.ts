import { TICKET_STATES, TICKET_TRANSITIONS, canMoveTicket, clockEffects } from './ticket-lifecycle';

describe('ticket lifecycle', () => {
  it('allows exactly the moves of the ticket lifecycle (docs/ARCHITECTURE.md, "Ticket lifecycle")', () => {
    const allowed = TICKET_STATES.flatMap((from) => TICKET_TRANSITIONS[from].map((to) => `${from}→${to}`)).sort();
    expect(allowed).toEqual(
      [
        'acknowledged→in_progress',
        'acknowledged→rejected',
        'acknowledged→cancelled',
        'in_progress→pending',
        'in_progress→held',
        'in_progress→resolved',
        'in_progress→cancelled',
        'pending→in_progress',
        'held→in_progress',
        'resolved→closed',
        'resolved→in_progress',
      ].sort(),
    );
  });

  it('has no way out of a final state', () => {
    for (const s of ['closed', 'rejected', 'cancelled'] as const) for (const to of TICKET_STATES) expect(canMoveTicket(s, to)).toBe(false);
  });

  it('pauses on pending, resumes on return, keeps running on held', () => {
    expect(clockEffects('in_progress', 'pending')).toEqual(['pause_resolution']);
    expect(clockEffects('pending', 'in_progress')).toContain('resume_resolution');
    expect(clockEffects('in_progress', 'held')).toEqual([]);
    expect(clockEffects('resolved', 'in_progress')).toContain('resume_resolution');
    expect(clockEffects('acknowledged', 'in_progress')).toEqual(['stop_response']);
    expect(clockEffects('in_progress', 'resolved')).toContain('stop_resolution');
    expect(clockEffects('acknowledged', 'cancelled')).toEqual(['stop_all']);
  });
});
