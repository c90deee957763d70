import type { AuthContext, Role } from '../common/auth/auth-context';
import { scopePrefix } from '../common/auth/region-scope';
import { maskEmail, maskHandle, mayReadContacts, normaliseWorkPhone } from './staff-contact';

describe('normaliseWorkPhone', () => {
  it.each([
    ['13812345678', '13812345678'],
    ['138 1234 5678', '13812345678'],
    ['+86 138-1234-5678', '13812345678'],
    ['020-83338888', '020-83338888'],
    ['02083338888', '020-83338888'],
    ['010 6512 3456', '010-65123456'],
    ['0757-86338888', '0757-86338888'],
    ['(0757)86338888', '0757-86338888'],
    ['0757-86338888-123', '0757-86338888-123'],
    ['0757-8633888', '0757-8633888'],
  ])('%s → %s', (input, out) => {
    expect(normaliseWorkPhone(input)).toBe(out);
  });

  it.each(['12812345678', '1381234567', '86338888', '0757-863', 'abc', '', '0757-86338888-1234567'])('%j is refused', (input) => {
    expect(normaliseWorkPhone(input)).toBeNull();
  });
});

describe('masking', () => {
  it('keeps enough to tell values apart', () => {
    expect(maskEmail('zhang.wei@corp.example.cn')).toBe('z***@corp.example.cn');
    expect(maskHandle('ZhangWei')).toBe('Zh***');
  });
});

describe('mayReadContacts', () => {
  const ctx = (roles: Role[], regions: string[], staffId = 'caller'): AuthContext => ({
    staffId,
    username: 'x',
    roles,
    scopes: regions.map(scopePrefix),
  });
  const foshanEngineer = { id: 'eng', regions: ['440605'] };
  it('admins, the person themself and directors in scope', () => {
    expect(mayReadContacts(ctx(['admin'], ['110000']), foshanEngineer)).toBe(true);
    expect(mayReadContacts(ctx(['engineer'], ['440605'], 'eng'), foshanEngineer)).toBe(true);
    expect(mayReadContacts(ctx(['director'], ['440000']), foshanEngineer)).toBe(true);
    expect(mayReadContacts(ctx(['director'], ['CN']), { id: 'n', regions: ['CN'] })).toBe(true);
  });
  it('not a director elsewhere, nor an agent in the same region', () => {
    expect(mayReadContacts(ctx(['director'], ['110000']), foshanEngineer)).toBe(false);
    expect(mayReadContacts(ctx(['director'], ['440600']), { id: 'n', regions: ['CN'] })).toBe(false);
    expect(mayReadContacts(ctx(['agent'], ['440605']), foshanEngineer)).toBe(false);
  });
});
