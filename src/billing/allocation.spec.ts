import fc from 'fast-check';
import { allocate, billState, netLines } from './allocation';

const line = (lineId: string, remaining: bigint, billId = 'b1') => ({ billId, billNo: billId, lineId, servingRegion: lineId, remaining });

describe('allocate', () => {
  it('pays the oldest bill first, line by line, and keeps the excess', () => {
    const out = allocate([{ paymentId: 'p', remaining: 250n }], [line('a', 100n, 'old'), line('b', 100n, 'old'), line('c', 100n, 'new')]);
    expect(out.map((a) => [a.lineId, a.amount])).toEqual([
      ['a', 100n],
      ['b', 100n],
      ['c', 50n],
    ]);
  });

  it('spends older money first', () => {
    const out = allocate(
      [
        { paymentId: 'p1', remaining: 30n },
        { paymentId: 'p2', remaining: 100n },
      ],
      [line('a', 50n)],
    );
    expect(out.map((a) => [a.paymentId, a.amount])).toEqual([
      ['p1', 30n],
      ['p2', 20n],
    ]);
  });

  it('never allocates more than either side holds, exactly, beyond 2^53', () => {
    const big = fc.bigInt({ min: 1n, max: 2n ** 62n });
    fc.assert(
      fc.property(fc.array(big, { maxLength: 8 }), fc.array(big, { maxLength: 8 }), (pays, dues) => {
        const credits = pays.map((remaining, i) => ({ paymentId: `p${i}`, remaining }));
        const lines = dues.map((remaining, i) => line(`l${i}`, remaining));
        const out = allocate(credits, lines);
        const sum = (xs: bigint[]) => xs.reduce((s, x) => s + x, 0n);
        credits.forEach((c) => expect(sum(out.filter((a) => a.paymentId === c.paymentId).map((a) => a.amount)) <= c.remaining).toBe(true));
        lines.forEach((l) => expect(sum(out.filter((a) => a.lineId === l.lineId).map((a) => a.amount)) <= l.remaining).toBe(true));
        // everything that can be matched is matched
        const total = sum(out.map((a) => a.amount));
        const min = sum(pays) < sum(dues) ? sum(pays) : sum(dues);
        expect(total).toBe(min);
      }),
    );
  });
});

describe('netLines', () => {
  it('nets a region’s negative adjustment against the other lines in region order', () => {
    const out = netLines([
      { region: '440605', amount: 100n, count: 1 },
      { region: '110105', amount: -30n, count: 1 },
      { region: '310115', amount: 50n, count: 1 },
    ])!;
    expect(out.map((l) => [l.region, l.amount, l.due])).toEqual([
      ['110105', -30n, 0n],
      ['310115', 50n, 20n],
      ['440605', 100n, 100n],
    ]);
  });

  it('refuses a net credit', () => {
    expect(netLines([{ region: '440605', amount: -1n, count: 1 }])).toBeNull();
  });

  it('dues are never negative and add up to the total', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(2n ** 40n), max: 2n ** 40n }), { minLength: 1, maxLength: 6 }), (amounts) => {
        const out = netLines(amounts.map((amount, i) => ({ region: `11010${i}`, amount, count: 1 })));
        const total = amounts.reduce((s, a) => s + a, 0n);
        if (total < 0n) return expect(out).toBeNull();
        expect(out!.every((l) => l.due >= 0n)).toBe(true);
        expect(out!.reduce((s, l) => s + l.due, 0n)).toBe(total);
      }),
    );
  });
});

describe('billState', () => {
  it.each([
    [100n, 0n, 'issued'],
    [100n, 1n, 'partially_paid'],
    [100n, 100n, 'paid'],
    [0n, 0n, 'paid'],
  ] as const)('total %s paid %s → %s', (total, paid, state) => expect(billState(total, paid)).toBe(state));
});
