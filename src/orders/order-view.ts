import { priorityLabel } from '../cases/priority';
import type { ClockView } from '../sla/sla-view.port';
import { slaView } from '../sla/sla-view.port';
import type { OrderDto, OrderItemView, WorkOrderDto } from './dto/order.dto';
import { staffMovesFrom } from './order-lifecycle';
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
    version: o.version,
    createdAt: o.createdAt,
    updatedAt: o.updatedAt,
    closedAt: o.closedAt,
  };
}
