import { SEVERITY_BASE, casePriority, queuePriority } from './priority';

describe('case priority', () => {
  it.each([
    ['critical', 'key', false, 1],
    ['critical', 'standard', false, 2],
    ['critical', 'key', true, 1], // clamped at P1
    ['major', 'strategic', false, 2],
    ['major', 'standard', true, 2], // +1 and −1 cancel
    ['minor', 'key', false, 3],
    ['minor', 'standard', false, 4],
    ['minor', 'key', true, 2],
  ] as const)('%s severity, %s tier, green channel %s → P%i', (severity, tier, green, expected) => {
    expect(casePriority(SEVERITY_BASE[severity], tier, green)).toBe(expected);
  });

  it('never leaves 1..4 for any base', () => {
    for (const base of [1, 2, 3, 4] as const)
      for (const tier of ['strategic', 'key', 'standard'] as const)
        for (const green of [true, false]) {
          const p = casePriority(base, tier, green);
          expect(p).toBeGreaterThanOrEqual(1);
          expect(p).toBeLessThanOrEqual(4);
        }
  });
});

describe('queuePriority', () => {
  it('orders P1 green, P1, P2 green, P2 … P4, every one a BullMQ priority ≥ 1', () => {
    const order = [1, 2, 3, 4].flatMap((p) => [queuePriority(p, true), queuePriority(p, false)]);
    expect(order).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
