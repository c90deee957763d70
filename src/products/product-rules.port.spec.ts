import { checkItemAttributes } from './product-rules.port';
import type { Product } from './product.entity';

const mpls: Product = {
  code: 'MPLS_VPN',
  nameZh: 'MPLS VPN专线',
  nameEn: 'MPLS VPN',
  category: 'connectivity',
  description: '',
  active: true,
  allowedActions: ['add', 'modify', 'terminate'],
  leadTimeDays: 15,
  attributes: [
    { name: 'bandwidthMbps', type: 'integer', required: true, labelZh: '带宽', labelEn: 'Bandwidth', min: 2, max: 10_000 },
    { name: 'qosClass', type: 'enum', required: true, labelZh: '服务等级', labelEn: 'QoS class', values: ['gold', 'silver', 'bronze'] },
  ],
};

describe('order item rules', () => {
  it('accepts a complete add and a partial modify', () => {
    expect(checkItemAttributes(mpls, 'add', { bandwidthMbps: 100, qosClass: 'gold' })).toEqual([]);
    expect(checkItemAttributes(mpls, 'modify', { bandwidthMbps: 200 })).toEqual([]);
    expect(checkItemAttributes(mpls, 'terminate', {})).toEqual([]);
  });

  it('names each missing, unknown or out-of-range attribute', () => {
    expect(checkItemAttributes(mpls, 'add', { bandwidthMbps: 100 }).map((v) => v.field)).toEqual(['attributes.qosClass']);
    expect(
      checkItemAttributes(mpls, 'add', { bandwidthMbps: 1, qosClass: 'platinum', colour: 'red' })
        .map((v) => v.field)
        .sort(),
    ).toEqual(['attributes.bandwidthMbps', 'attributes.colour', 'attributes.qosClass']);
    expect(checkItemAttributes(mpls, 'add', { bandwidthMbps: 2.5, qosClass: 'gold' })[0]).toMatchObject({
      field: 'attributes.bandwidthMbps',
      message: 'must be an integer',
    });
  });

  it('wants something to modify and nothing to terminate', () => {
    expect(checkItemAttributes(mpls, 'modify', {})[0].field).toBe('attributes');
    expect(checkItemAttributes(mpls, 'terminate', { bandwidthMbps: 10 })[0].field).toBe('attributes');
  });

  it('refuses an action the product does not allow', () => {
    expect(checkItemAttributes({ ...mpls, allowedActions: ['add', 'terminate'] }, 'modify', { bandwidthMbps: 10 })[0].field).toBe('action');
  });
});
