import fc from 'fast-check';
import { creditCodeCheckChar, isValidCreditCode } from './credit-code';

describe('GB 32100 credit code', () => {
  it.each(['914403001922038216', '91110000100017643K', '91440300708461136T'])('accepts the real code %s', (code) => {
    expect(isValidCreditCode(code)).toBe(true);
  });

  it.each([
    ['914403001922038217', 'wrong check character'],
    ['914403001922038226', 'one body digit changed'],
    ['91110000100017643k', 'lower-case check character'],
    ['9144030019220382', 'too short'],
    ['9144030019220382160', 'too long'],
    ['91440300192203821I', 'I is not in the symbol set'],
    ['', 'empty'],
  ])('rejects %s (%s)', (code) => {
    expect(isValidCreditCode(code)).toBe(false);
  });

  it('rejects every single-character change of a valid code', () => {
    const valid = '91110000100017643K';
    const symbols = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (let i = 0; i < 18; i++) {
      for (const s of symbols) {
        if (s === valid[i]) continue;
        const changed = valid.slice(0, i) + s + valid.slice(i + 1);
        expect(isValidCreditCode(changed)).toBe(false);
      }
    }
  });

  it('accepts any 17 symbols followed by their computed check character', () => {
    const symbol = fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRTUWXY');
    fc.assert(
      fc.property(fc.array(symbol, { minLength: 17, maxLength: 17 }), (chars) => {
        const body = chars.join('');
        expect(isValidCreditCode(body + creditCodeCheckChar(body))).toBe(true);
      }),
    );
  });
});
