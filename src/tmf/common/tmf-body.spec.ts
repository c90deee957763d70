import { applyMergePatch, parseMergePatch, readCharacteristics, readString, withoutReadOnly } from './tmf-body';
import { callerRegion } from './tmf-region';
import type { AuthContext } from '../../common/auth/auth-context';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as { errors?: { field: string }[] }).errors?.[0]?.field;
  }
  return undefined;
};

describe('TMF bodies', () => {
  it('drops read-only attributes from a create body', () => {
    expect(withoutReadOnly({ id: '1', href: 'h', status: 'x', name: 'n' }, ['status'])).toEqual({ name: 'n' });
  });

  it('takes a merge patch of patchable attributes, ignoring @type, refusing the rest by name', () => {
    expect(parseMergePatch({ name: 'a', '@type': 'Customer', status: null }, ['name', 'status'])).toEqual({ name: 'a', status: null });
    expect(fieldOf(() => parseMergePatch({ id: 'x' }, ['name']))).toBe('id');
    expect(fieldOf(() => parseMergePatch([{ op: 'replace' }], ['name']))).toBe('body');
  });

  it('applies RFC 7396: null removes, objects merge, arrays replace', () => {
    expect(applyMergePatch({ a: 1, b: { c: 2, d: 3 }, e: [1] }, { a: null, b: { c: null, x: 1 }, e: [2] })).toEqual({
      b: { d: 3, x: 1 },
      e: [2],
    });
  });

  it('reads strings and characteristics with the field named on error', () => {
    expect(readString({ name: '  Moon ' }, 'name', { required: true })).toBe('Moon');
    expect(fieldOf(() => readString({}, 'name', { required: true }))).toBe('name');
    expect(fieldOf(() => readString({ name: 3 }, 'name'))).toBe('name');
    expect(readCharacteristics({ characteristic: [{ name: 'tier', value: 'key' }] })).toEqual(new Map([['tier', 'key']]));
    expect(fieldOf(() => readCharacteristics({ characteristic: [{ value: 1 }] }))).toBe('characteristic[0].name');
    expect(fieldOf(() => readCharacteristics({ characteristic: [{ name: 'a' }, { name: 'a' }] }))).toBe('characteristic[1].name');
    expect(fieldOf(() => readCharacteristics({ characteristic: {} }))).toBe('characteristic');
  });
});

describe('callerRegion', () => {
  const who = (roles: AuthContext['roles'], scopes: string[]): AuthContext => ({ staffId: 's', username: 'u', roles, scopes });
  it('is the given region, else the caller’s one region, else a 400 naming the field', () => {
    expect(callerRegion(who(['agent'], ['44']), '110000', 'region')).toBe('110000');
    expect(callerRegion(who(['agent'], ['4406']), undefined, 'region')).toBe('440600');
    expect(callerRegion(who(['agent'], ['440605']), undefined, 'region')).toBe('440605');
    expect(fieldOf(() => callerRegion(who(['agent'], ['44', '11']), undefined, 'region'))).toBe('region');
    expect(fieldOf(() => callerRegion(who(['admin'], []), undefined, 'acceptedRegion'))).toBe('acceptedRegion');
    expect(fieldOf(() => callerRegion(who(['agent'], ['']), undefined, 'region'))).toBe('region');
  });
});
