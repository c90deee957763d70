import type { AuthContext, Role } from './auth-context';
import { NATIONWIDE, covers, isNationwide, scopePatterns, scopePrefix } from './region-scope';

const ctx = (roles: Role[], regions: string[]): AuthContext => ({
  staffId: '00000000-0000-4000-8000-000000000001',
  username: 'someone',
  roles,
  scopes: regions.map(scopePrefix),
});

describe('scopePrefix', () => {
  it.each([
    ['440000', '44'],
    ['440600', '4406'],
    ['440605', '440605'],
    ['110000', '11'],
    ['110105', '110105'],
    [NATIONWIDE, ''],
  ])('%s → %j', (code, prefix) => {
    expect(scopePrefix(code)).toBe(prefix);
  });
});

describe('covers', () => {
  it('a Foshan scope covers Foshan and its districts only', () => {
    const foshan: AuthContext = { ...ctx(['agent'], []), scopes: ['4406'] };
    expect(covers(foshan, '440605')).toBe(true);
    expect(covers(foshan, '440600')).toBe(true);
    expect(covers(foshan, '440100')).toBe(false);
    expect(covers(foshan, '440000')).toBe(false);
    expect(covers(foshan, '110105')).toBe(false);
    expect(isNationwide(foshan)).toBe(false);
    expect(scopePatterns(foshan)).toEqual(['4406%']);
  });

  it('a province scope covers every city and district of it', () => {
    const gd = ctx(['engineer'], ['440000']);
    expect(covers(gd, '440605')).toBe(true);
    expect(covers(gd, '440100')).toBe(true);
    expect(covers(gd, '110105')).toBe(false);
  });

  it('a district scope covers that district alone', () => {
    const nanhai = ctx(['engineer'], ['440605']);
    expect(covers(nanhai, '440605')).toBe(true);
    expect(covers(nanhai, '440606')).toBe(false);
    expect(covers(nanhai, '440600')).toBe(false);
  });

  it('several scopes add up', () => {
    const two = ctx(['agent'], ['440600', '110000']);
    expect(covers(two, '440605')).toBe(true);
    expect(covers(two, '110105')).toBe(true);
    expect(covers(two, '440100')).toBe(false);
  });

  it('no scope covers nothing', () => {
    expect(covers(ctx(['agent'], []), '440605')).toBe(false);
  });

  it('an admin covers everything, whatever their regions', () => {
    const admin = ctx(['admin'], ['440600']);
    for (const code of ['440605', '440100', '110105', '650000']) expect(covers(admin, code)).toBe(true);
    expect(isNationwide(admin)).toBe(true);
    expect(scopePatterns(admin)).toBeNull();
  });

  it('a nationwide (CN) scope covers everything', () => {
    const cn = ctx(['director'], [NATIONWIDE]);
    for (const code of ['440605', '110105', '650000']) expect(covers(cn, code)).toBe(true);
    expect(scopePatterns(cn)).toBeNull();
  });
});
