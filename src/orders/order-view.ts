import { priorityLabel } from '../cases/priority';
import type { FieldContact, FieldSite } from '../customers/customer-fulfilment.service';
import type { ClockView } from '../sla/sla-view.port';
import { slaView } from '../sla/sla-view.port';
import type { OrderDto, OrderItemView, WorkOrderDetailDto, WorkOrderDto } from './dto/order.dto';
import { staffMovesFrom } from './order-lifecycle';
import type { OrderState } from './order-lifecycle';
import type { OrderItem } from './order-item.entity';
import type { Order } from './order.entity';
import type { WorkOrder } from './work-order.entity';

export const toItemView = (i: OrderItem): OrderItemView => ({
  id: i.id,
  lineNo: i.lineNo,
  action: i.action,
  productCode: i.productCode,
  siteId: i.siteId,
  serviceInstanceId: i.serviceInstanceId,
  quantity: i.quantity,
  attributes: i.attributes,
});

export function toWorkOrderDto(w: WorkOrder, items: OrderItem[], clocks: ClockView[]): WorkOrderDto {
  return {
    id: w.id,
    caseNo: w.caseNo,
    orderId: w.orderId,
    customerId: w.customerId,
    region: w.region,
    state: w.state,
    priority: priorityLabel(w.priority),
    greenChannel: w.greenChannel,
    dueAt: w.dueAt,
    dispatchedVia: w.dispatchedVia,
    dispatchedAt: w.dispatchedAt,
    reason: w.reason,
    items: items
      .filter((i) => i.workOrderId === w.id)
      .sort((a, b) => a.lineNo - b.lineNo)
      .map(toItemView),
    sla: slaView(clocks),
    allowedTransitions: staffMovesFrom(w.state),
    version: w.version,
    createdAt: w.createdAt,
    updatedAt: w.updatedAt,
    closedAt: w.closedAt,
  };
}

/** What a work order's detail shows beyond its own row, already read for a whole page. */
export interface WorkOrderFacts {
  order: { caseNo: string; contractNo: string | null; state: OrderState };
  regionName: string;
  sites: Map<string, FieldSite>;
  contact: FieldContact | null;
  productNames: Map<string, string>;
}

/** Orders closed by staff: their failed work orders stay as they are (none is left after a cancel). */
const CLOSED_BY_STAFF: readonly OrderState[] = ['cancelled', 'rejected'];

/** The work order as its region's team gets it: the site, the contact, the contract and the products, without another call. */
export function toWorkOrderDetail(w: WorkOrder, items: OrderItem[], clocks: ClockView[], facts: WorkOrderFacts): WorkOrderDetailDto {
  const view = toWorkOrderDto(w, items, clocks);
  const siteIds = [...new Set(view.items.map((i) => i.siteId))];
  return {
    ...view,
    items: view.items.map((i) => ({ ...i, productName: facts.productNames.get(i.productCode) ?? i.productCode })),
    orderCaseNo: facts.order.caseNo,
    contractNo: facts.order.contractNo,
    regionName: facts.regionName,
    sites: siteIds.flatMap((id) => {
      const site = facts.sites.get(id);
      return site ? [site] : [];
    }),
    contact: facts.contact,
    retryable: w.state === 'failed' && !CLOSED_BY_STAFF.includes(facts.order.state),
  };
}

/** Everything a view of one order needs, already read (or just written). */
export interface OrderGraph {
  order: Order;
  workOrders: WorkOrder[];
  items: OrderItem[];
  /** Clocks by case id (the order's and each work order's). */
  clocks: Map<string, ClockView[]>;
}

export function toOrderDto({ order: o, workOrders, items, clocks }: OrderGraph): OrderDto {
  return {
    id: o.id,
    caseNo: o.caseNo,
    customerId: o.customerId,
    acceptedRegion: o.acceptedRegion,
    contractNo: o.contractNo,
    urgent: o.urgent,
    requestedCompletionAt: o.requestedCompletionAt,
    committedCompletionAt: o.committedCompletionAt,
    note: o.note,
    inquiryId: o.inquiryId,
    state: o.state,
    priority: priorityLabel(o.priority),
    greenChannel: o.greenChannel,
    sla: slaView(clocks.get(o.id) ?? []),
    workOrders: [...workOrders]
      .sort((a, b) => a.region.localeCompare(b.region))
      .map((w) => toWorkOrderDto(w, items, clocks.get(w.id) ?? [])),
    cancelReason: o.cancelReason,
    cancelledRegions: workOrders
      .filter((w) => w.state === 'cancelled')
      .map((w) => w.region)
      .sort(),
    version: o.version,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    closedAt: o.closedAt,
  };
}
