import type { AuthContext, Role } from '../common/auth/auth-context';
import { scopePrefix } from '../common/auth/region-scope';
import { mayHandlePayment, mayReadBillingOf, servesCustomer } from './billing-access';

const ctx = (roles: Role[], regions: string[]): AuthContext => ({
  staffId: '00000000-0000-4000-8000-000000000001',
  username: 'someone',
  roles,
  scopes: regions.map(scopePrefix),
});
const beijingOnly = { homeRegion: '110105', siteRegions: ['110105'] };

describe('servesCustomer', () => {
  it('takes a site’s district, city or province, never a neighbour or a child of a site region', () => {
    const sites = ['440106', '110105'];
    for (const region of ['440106', '440100', '440000', '110105', '110000']) expect(servesCustomer(region, sites)).toBe(true);
    for (const region of ['440104', '440600', '310115']) expect(servesCustomer(region, sites)).toBe(false);
    // a site known only to its city does not make each of the city's districts a serving region
    expect(servesCustomer('440106', ['440100'])).toBe(false);
    expect(servesCustomer('440106', [])).toBe(false);
  });
});

describe('billing reads and payments', () => {
  it('lets billing staff read every customer, a director only those in scope', () => {
    expect(mayReadBillingOf(ctx(['billing'], ['440000']), beijingOnly)).toBe(true);
    expect(mayReadBillingOf(ctx(['director'], ['440000']), beijingOnly)).toBe(false);
    expect(mayReadBillingOf(ctx(['director'], ['110000']), beijingOnly)).toBe(true);
    expect(mayReadBillingOf(ctx(['admin'], []), beijingOnly)).toBe(true);
  });

  it('lets a director handle a payment collected in scope or of a customer in scope', () => {
    const gd = ctx(['director'], ['440000']);
    expect(mayHandlePayment(gd, { collectedRegion: '110105' }, beijingOnly)).toBe(false);
    expect(mayHandlePayment(gd, { collectedRegion: '440106' }, beijingOnly)).toBe(true);
    expect(mayHandlePayment(gd, { collectedRegion: '110105' }, { homeRegion: '110105', siteRegions: ['440605'] })).toBe(true);
  });
});
