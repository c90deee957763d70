import { MoneyOverflowError, fen } from './money';

describe('fen', () => {
  it('converts bigint columns and numeric sums exactly', () => {
    expect(fen('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
    expect(fen('-12345')).toBe(-12345);
    expect(fen(10n ** 15n)).toBe(1e15);
    expect(fen(null)).toBe(0);
  });

  it('refuses what a JSON number cannot carry exactly, instead of rounding', () => {
    expect(() => fen('9007199254740993')).toThrow(MoneyOverflowError);
    expect(() => fen(-(2n ** 60n))).toThrow(MoneyOverflowError);
  });
});
