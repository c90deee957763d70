import { creditCodeCheckChar } from '../../src/customers/credit-code';

let seq = 0;

/** A valid, unique-per-run unified social credit code (GB 32100 check character computed). */
export function creditCode(): string {
  const body = `9144${(seq++ % 1e4).toString().padStart(4, '0')}${(Date.now() % 1e9).toString().padStart(9, '0')}`;
  return body + creditCodeCheckChar(body);
}

/** A mainland mobile number unique within a run. */
export function mobile(): string {
  return `139${(Date.now() % 1e4).toString().padStart(4, '0')}${(seq++ % 1e4).toString().padStart(4, '0')}`;
}

export function customerBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '佛山市南海区人民政府',
    creditCode: creditCode(),
    tier: 'key',
    industry: 'government',
    homeRegion: '440605',
    greenChannel: false,
    contacts: [{ name: '李娜', mobile: mobile(), role: 'primary' }],
    sites: [{ name: '南海区政府大楼', region: '440605', address: '广东省佛山市南海区桂城街道南海大道北1号' }],
    ...overrides,
  };
}

/** A fault intake body (POST /api/v1/faults) for `customerId`: a critical fault (P1 for a key customer) reported on the hotline. */
export function faultBody(customerId: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId,
    category: 'fault',
    severity: 'critical',
    title: '专线中断',
    description: '09:10 起无法访问互联网',
    reportedVia: 'hotline',
    reporterName: '李娜',
    reporterMobile: mobile(),
    ...overrides,
  };
}

/**
 * An order body (POST /api/v1/orders) accepted in Foshan (440600) for `customerId`: one MPLS VPN `add` item per site in `siteIds`,
 * so a multi-region customer fans out one work order per site region.
 */
export function orderBody(customerId: string, siteIds: string[], overrides: Record<string, unknown> = {}) {
  return {
    customerId,
    acceptedRegion: '440600',
    items: siteIds.map((siteId) => ({
      action: 'add',
      productCode: 'MPLS_VPN',
      siteId,
      quantity: 1,
      attributes: { bandwidthMbps: 100, qosClass: 'gold' },
    })),
    ...overrides,
  };
}
