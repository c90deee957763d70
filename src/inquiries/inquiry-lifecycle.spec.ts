import { INQUIRY_ACTIONS, INQUIRY_CLOCK_EFFECTS, INQUIRY_STATES, allowedInquiryActions } from './inquiry-lifecycle';

describe('inquiry lifecycle', () => {
  it('allows exactly open → answered → closed, and converting from open or answered', () => {
    const moves = INQUIRY_STATES.flatMap((from) =>
      Object.entries(INQUIRY_ACTIONS[from]).map(([action, to]) => `${from} -${action}→ ${to}`),
    ).sort();
    expect(moves).toEqual(['answered -close→ closed', 'answered -convert→ closed', 'open -answer→ answered', 'open -convert→ closed']);
  });

  it('has no action out of closed', () => {
    expect(allowedInquiryActions('closed')).toEqual([]);
  });

  it('stops the response clock at the answer and every clock at closing or converting', () => {
    expect(INQUIRY_CLOCK_EFFECTS).toEqual({ answer: ['stop_response'], close: ['stop_all'], convert: ['stop_all'] });
  });
});
