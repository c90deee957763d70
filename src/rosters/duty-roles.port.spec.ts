import { availableForDuty, mayHoldDuty, scopeCovers } from './duty-roles.port';

describe('duty roles', () => {
  it('are held by the staff roles fit for them', () => {
    expect(mayHoldDuty(['engineer'], 'engineer')).toBe(true);
    expect(mayHoldDuty(['agent'], 'engineer')).toBe(false);
    expect(mayHoldDuty(['agent'], 'duty_manager')).toBe(true);
    expect(mayHoldDuty(['director'], 'duty_manager')).toBe(true);
    expect(mayHoldDuty(['engineer', 'account_manager'], 'duty_manager')).toBe(false);
    expect(mayHoldDuty(['admin'], 'director')).toBe(false);
  });

  it('need a scope at or above the region (a national shift: a nationwide scope)', () => {
    expect(scopeCovers(['440000'], '440605')).toBe(true);
    expect(scopeCovers(['440600'], '440605')).toBe(true);
    expect(scopeCovers(['440605'], '440605')).toBe(true);
    expect(scopeCovers(['440605'], '440600')).toBe(false);
    expect(scopeCovers(['110000', '440600'], '440604')).toBe(true);
    expect(scopeCovers(['CN'], '440605')).toBe(true);
    expect(scopeCovers(['CN'], 'CN')).toBe(true);
    expect(scopeCovers(['440000'], 'CN')).toBe(false);
  });

  it('count only the active, still fit, and engineers not off duty', () => {
    const engineer = { active: true, roles: ['engineer' as const], onDuty: true };
    expect(availableForDuty(engineer, 'engineer')).toBe(true);
    expect(availableForDuty({ ...engineer, onDuty: false }, 'engineer')).toBe(false);
    expect(availableForDuty({ ...engineer, active: false }, 'engineer')).toBe(false);
    // The flag is about dispatch: a director who is also an engineer and off duty still manages a shift.
    expect(availableForDuty({ active: true, roles: ['director', 'engineer'], onDuty: false }, 'duty_manager')).toBe(true);
  });
});
