import { dispatchPriority } from './fault-dispatcher';

describe('dispatch priority', () => {
  it('orders P1 green, P1, P2 green, P2 … P4, every one a BullMQ priority ≥ 1', () => {
    const order = [1, 2, 3, 4].flatMap((p) => [dispatchPriority(p, true), dispatchPriority(p, false)]);
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
