import type { CreateOrderDto } from './dto/order.dto';
import { splitOrder } from './order-split';

const item = (siteId: string) => ({ action: 'add' as const, productCode: 'DIA', siteId, quantity: 1, attributes: { bandwidthMbps: 100 } });

describe('order split', () => {
  const now = new Date('2026-11-27T02:00:00Z');
  const dto = { customerId: 'c', acceptedRegion: '440600', items: [item('fs1'), item('bj'), item('fs2'), item('gz')] } as CreateOrderDto;
  const { order, workOrders, items } = splitOrder({
    dto,
    itemRegions: ['440605', '110105', '440605', '440106'],
    priority: 3,
    greenChannel: true,
    orderNo: 42,
    workOrderNos: [7, 8, 9],
    requested: null,
    createdBy: 's',
    arrearsOverriddenBy: null,
    now,
  });

  it('makes one work order per distinct region, numbered in region order', () => {
    expect(workOrders.map((w) => [w.region, w.caseNo])).toEqual([
      ['110105', 'WO-20261127-000007'],
      ['440106', 'WO-20261127-000008'],
      ['440605', 'WO-20261127-000009'],
    ]);
    expect(order.caseNo).toBe('ORD-20261127-000042');
    expect(workOrders.every((w) => w.orderId === order.id && w.state === 'pending' && w.greenChannel)).toBe(true);
  });

  it('puts each item on its region’s work order, keeping the line numbers', () => {
    const regionOf = new Map(workOrders.map((w) => [w.id, w.region]));
    expect(items.map((i) => [i.lineNo, i.siteId, regionOf.get(i.workOrderId)])).toEqual([
      [1, 'fs1', '440605'],
      [2, 'bj', '110105'],
      [3, 'fs2', '440605'],
      [4, 'gz', '440106'],
    ]);
  });
});
