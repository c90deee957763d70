import { DomainError } from '../../common/errors/domain-error';
import type { OrderDto } from '../../orders/dto/order.dto';
import { ORDER_STATES, WORK_ORDER_STATES } from '../../orders/order-states.port';
import { ORDER_ACTIONS } from '../../products/products.port';
import {
  ACTION_TO_ORDER,
  ACTION_TO_TMF,
  ITEM_STATE,
  ORDER_STATE,
  orderStateOf,
  readProductOrder,
  tmfFieldError,
  tmfFieldOf,
  toCancelProductOrder,
  toProductOrder,
} from './product-order-mapping';

const CUSTOMER = '0b6f7c1e-1a2b-4c3d-8e9f-0123456789ab';
const SITE = '1c7f8d2e-2b3c-4d4e-9f0a-123456789abc';
const INSTANCE = '2d8a9e3f-3c4d-4e5f-8a1b-23456789abcd';

const item = (overrides: Record<string, unknown> = {}) => ({
  id: '1',
  action: 'add',
  quantity: 1,
  productOffering: { id: 'MPLS_VPN', '@referredType': 'ProductOffering' },
  product: {
    '@type': 'Product',
    place: [{ id: SITE, role: 'installationAddress', '@referredType': 'GeographicSite' }],
    productCharacteristic: [
      { name: 'bandwidthMbps', value: 100 },
      { name: 'qosClass', value: 'gold' },
    ],
  },
  ...overrides,
});
const body = (overrides: Record<string, unknown> = {}) => ({
  '@type': 'ProductOrder',
  relatedParty: [{ id: CUSTOMER, role: 'customer', '@referredType': 'Organization' }],
  productOrderItem: [item()],
  ...overrides,
});
const noRegion = () => {
  throw new Error('the caller’s region was asked for');
};
/** The field errors of a 400 (and that it is one). */
function fieldErrors(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    expect((err as DomainError).kind).toBe('bad_request');
    return (err as DomainError).errors ?? [];
  }
  throw new Error('no error was thrown');
}

describe('TMF622 mapping tables', () => {
  it('maps every order action both ways, delete being terminate', () => {
    expect(ACTION_TO_ORDER).toEqual({ add: 'add', modify: 'modify', delete: 'terminate' });
    for (const a of ORDER_ACTIONS) expect(ACTION_TO_ORDER[ACTION_TO_TMF[a] as keyof typeof ACTION_TO_ORDER]).toBe(a);
  });

  it('gives every work-order state an item state and every order state a TMF state, and reads the TMF states back', () => {
    for (const s of WORK_ORDER_STATES) expect(ITEM_STATE[s]).toBeDefined();
    expect(ITEM_STATE.pending).toBe('acknowledged');
    expect(ITEM_STATE.dispatched).toBe('acknowledged');
    expect(ITEM_STATE.in_progress).toBe('inProgress');
    for (const s of ORDER_STATES) expect(orderStateOf(ORDER_STATE[s])).toBe(s);
    expect(Object.values(ORDER_STATE).sort()).toEqual([
      'acknowledged',
      'cancelled',
      'completed',
      'failed',
      'inProgress',
      'partial',
      'rejected',
    ]);
    expect(orderStateOf('held')).toBeUndefined();
  });
});

describe('readProductOrder', () => {
  it('turns a ProductOrder into the body of POST /api/v1/orders and keeps what orders do not model', () => {
    const got = readProductOrder(
      body({
        externalId: 'OSS-42',
        description: 'three sites',
        category: 'enterprise',
        priority: '1',
        requestedCompletionDate: '2027-01-31T16:00:00Z',
        note: [{ text: '三地同时开通', author: 'oss' }],
        channel: [{ id: '440600', '@referredType': 'Region' }],
        // read-only attributes are ignored, not refused
        id: 'x',
        state: 'completed',
        orderDate: '2020-01-01T00:00:00Z',
        productOrderItem: [
          item({ state: 'completed' }),
          item({ id: 'b', action: 'delete', product: { id: INSTANCE, place: [{ id: SITE }] }, productOffering: { id: 'DIA' } }),
        ],
      }),
      noRegion,
    );
    expect(got.order).toEqual({
      customerId: CUSTOMER,
      acceptedRegion: '440600',
      urgent: true,
      requestedCompletionAt: '2027-01-31T16:00:00Z',
      note: '三地同时开通',
      items: [
        { action: 'add', productCode: 'MPLS_VPN', siteId: SITE, quantity: 1, attributes: { bandwidthMbps: 100, qosClass: 'gold' } },
        { action: 'terminate', productCode: 'DIA', siteId: SITE, serviceInstanceId: INSTANCE, quantity: 1, attributes: {} },
      ],
    });
    expect(got.extras).toEqual({
      externalId: 'OSS-42',
      description: 'three sites',
      category: 'enterprise',
      itemIds: ['1', 'b'],
      notes: [{ text: '三地同时开通', author: 'oss' }],
    });
  });

  it('takes the caller’s region only when no channel names one, and defaults quantity and priority', () => {
    const got = readProductOrder(body({ productOrderItem: [item({ quantity: undefined })] }), () => '440600');
    expect(got.order).toMatchObject({ acceptedRegion: '440600', urgent: false, items: [{ quantity: 1 }] });
    expect(readProductOrder(body({ priority: '3' }), () => '110000').order.urgent).toBe(false);
  });

  it('refuses noChange, unmodelled attributes and malformed items, naming each item and field', () => {
    const errors = fieldErrors(() =>
      readProductOrder(
        body({
          requestedStartDate: '2027-01-01T00:00:00Z',
          orderTotalPrice: [],
          productOrderItem: [
            item({ action: 'noChange' }),
            item({ id: '2', itemPrice: [], product: { place: [] } }),
            item({ id: '1', productOffering: {} }),
          ],
        }),
        noRegion,
      ),
    );
    const fields = errors.map((e) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'requestedStartDate',
        'orderTotalPrice',
        'productOrderItem[0].action',
        'productOrderItem[1].itemPrice',
        'productOrderItem[1].product.place',
        'productOrderItem[2].id',
        'productOrderItem[2].productOffering.id',
      ]),
    );
    expect(errors.find((e) => e.field === 'productOrderItem[0].action')!.message).toMatch(/noChange is not taken/);
    expect(errors.find((e) => e.field === 'requestedStartDate')!.message).toMatch(/not supported/);
  });

  it('needs exactly one customer party and a well-formed priority', () => {
    expect(fieldErrors(() => readProductOrder(body({ relatedParty: [] }), noRegion)).map((e) => e.field)).toContain('relatedParty');
    const two = [
      { id: CUSTOMER, '@referredType': 'Organization' },
      { id: SITE, role: 'customer', '@referredType': 'Individual' },
    ];
    expect(fieldErrors(() => readProductOrder(body({ relatedParty: two }), noRegion))).toEqual([
      { field: 'relatedParty', message: 'must name one customer only' },
    ]);
    const seller = [{ id: CUSTOMER, role: 'seller', '@referredType': 'Individual' }];
    expect(fieldErrors(() => readProductOrder(body({ relatedParty: seller }), noRegion)).map((e) => e.field)).toEqual([
      'relatedParty[0]',
      'relatedParty',
    ]);
    expect(fieldErrors(() => readProductOrder(body({ priority: 'high' }), noRegion)).map((e) => e.field)).toEqual(['priority']);
  });

  it('refuses a characteristic given twice or without a value', () => {
    const chars = [{ name: 'bandwidthMbps', value: 100 }, { name: 'bandwidthMbps', value: 200 }, { name: 'qosClass' }];
    const errors = fieldErrors(() =>
      readProductOrder(body({ productOrderItem: [item({ product: { place: [{ id: SITE }], productCharacteristic: chars } })] }), noRegion),
    );
    expect(errors.map((e) => e.field)).toEqual([
      'productOrderItem[0].product.productCharacteristic[1].name',
      'productOrderItem[0].product.productCharacteristic[2].value',
    ]);
  });
});

describe('order errors in TMF terms', () => {
  const index = [new Map([['bandwidthMbps', 0]]), new Map<string, number>()];
  it('names the TMF attribute a field of the order body came from', () => {
    expect(tmfFieldOf('items[1].siteId', index)).toBe('productOrderItem[1].product.place[0].id');
    expect(tmfFieldOf('items[0].productCode', index)).toBe('productOrderItem[0].productOffering.id');
    expect(tmfFieldOf('items[0].serviceInstanceId', index)).toBe('productOrderItem[0].product.id');
    expect(tmfFieldOf('items[0].attributes.bandwidthMbps', index)).toBe('productOrderItem[0].product.productCharacteristic[0].value');
    expect(tmfFieldOf('items[1].attributes.qosClass', index)).toBe('productOrderItem[1].product.productCharacteristic');
    expect(tmfFieldOf('customerId', index)).toBe('relatedParty');
    expect(tmfFieldOf('requestedCompletionAt', index)).toBe('requestedCompletionDate');
  });

  it('names the item by its own id, and a missing characteristic by its name', () => {
    expect(tmfFieldError({ field: 'items[1].attributes.qosClass', message: 'is required to add MPLS_VPN' }, index, ['a', 'b'])).toEqual({
      field: 'productOrderItem[1].product.productCharacteristic',
      message: 'item b: is required to add MPLS_VPN (qosClass)',
    });
    expect(tmfFieldError({ field: 'items[0].siteId', message: 'is not a site of this customer' }, index, ['a', 'b'])).toEqual({
      field: 'productOrderItem[0].product.place[0].id',
      message: 'item a: is not a site of this customer',
    });
  });
});

describe('toProductOrder', () => {
  const href = (api: string, id: string) => `https://fo.example.com/tmf/${api}/${id}`;
  const wo = (region: string, state: string, lineNo: number) => ({
    id: `wo-${region}`,
    region,
    state,
    items: [
      {
        id: `i${lineNo}`,
        lineNo,
        action: lineNo === 2 ? 'terminate' : 'add',
        productCode: 'MPLS_VPN',
        siteId: `site-${region}`,
        serviceInstanceId: lineNo === 2 ? INSTANCE : null,
        quantity: 1,
        attributes: lineNo === 2 ? {} : { bandwidthMbps: 100 },
      },
    ],
  });
  const order = {
    id: 'o1',
    customerId: CUSTOMER,
    acceptedRegion: '440600',
    state: 'in_progress',
    priority: 'P2',
    requestedCompletionAt: null,
    committedCompletionAt: new Date('2026-12-21T10:00:00Z'),
    note: null,
    cancelReason: null,
    createdAt: new Date('2026-11-30T08:00:00.123Z'),
    closedAt: null,
    workOrders: [wo('440605', 'in_progress', 2), wo('110105', 'dispatched', 1)],
  } as unknown as OrderDto;

  it('reports each item with its work order’s state, in line order, and the order’s roll-up', () => {
    const po = toProductOrder(order, { externalId: 'OSS-1', description: null, category: null, itemIds: ['a', 'b'], notes: [] }, href);
    expect(po).toMatchObject({
      id: 'o1',
      href: 'https://fo.example.com/tmf/productOrder/o1',
      '@type': 'ProductOrder',
      externalId: 'OSS-1',
      state: 'inProgress',
      priority: '2',
      orderDate: '2026-11-30T08:00:00.123Z',
      expectedCompletionDate: '2026-12-21T10:00:00.000Z',
      relatedParty: [{ id: CUSTOMER, role: 'customer', '@referredType': 'Organization' }],
      productOrderItem: [
        {
          id: 'a',
          action: 'add',
          state: 'acknowledged',
          product: { place: [{ id: 'site-110105' }], productCharacteristic: [{ name: 'bandwidthMbps', value: 100 }] },
        },
        { id: 'b', action: 'delete', state: 'inProgress', product: { id: INSTANCE } },
      ],
    });
    // absent values are left out, never null
    expect(Object.values(po).includes(null)).toBe(false);
    expect(po).not.toHaveProperty('description');
    expect(po).not.toHaveProperty('completionDate');
  });

  it('serves an order taken on the console with its line numbers as item ids', () => {
    const po = toProductOrder(order, null, href) as { productOrderItem: { id: string }[] };
    expect(po.productOrderItem.map((i) => i.id)).toEqual(['1', '2']);
  });

  it('renders a cancel request with its order referenced', () => {
    const at = new Date('2026-11-30T09:00:00Z');
    expect(
      toCancelProductOrder(
        {
          id: 'c1',
          orderId: 'o1',
          reason: '客户取消',
          requestedCancellationDate: null,
          effectiveCancellationDate: at,
          state: 'done',
          createdAt: at,
        },
        href,
      ),
    ).toEqual({
      id: 'c1',
      href: 'https://fo.example.com/tmf/cancelProductOrder/c1',
      '@type': 'CancelProductOrder',
      state: 'done',
      cancellationReason: '客户取消',
      effectiveCancellationDate: '2026-11-30T09:00:00.000Z',
      productOrder: { id: 'o1', href: 'https://fo.example.com/tmf/productOrder/o1', '@referredType': 'ProductOrder' },
    });
  });
});
