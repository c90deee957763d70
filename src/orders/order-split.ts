import { randomUUID } from 'node:crypto';
import { formatCaseNo } from '../cases/case-number';
import type { CreateOrderDto } from './dto/order.dto';
import type { OrderItem } from './order-item.entity';
import type { Order } from './order.entity';
import type { WorkOrder } from './work-order.entity';

export interface SplitInput {
  dto: CreateOrderDto;
  /** The region of each item's site, in item order (checked already). */
  itemRegions: string[];
  priority: number;
  greenChannel: boolean;
  /** Case number sequence values: one for the order, one per distinct region. */
  orderNo: number;
  workOrderNos: number[];
  requested: Date | null;
  createdBy: string;
  arrearsOverriddenBy: string | null;
  /** The inquiry the order was converted from. */
  inquiryId?: string | null;
  now: Date;
}

/** Distinct regions of the items, sorted: one work order each. */
export const workOrderRegions = (itemRegions: string[]) => [...new Set(itemRegions)].sort();

/**
 * The fan-out itself, without I/O: the order, one work order per distinct
 * region among its items' sites, and each item attached to its region's work
 * order. Due times are filled in once the clocks are opened.
 */
export function splitOrder(input: SplitInput): { order: Order; workOrders: WorkOrder[]; items: OrderItem[] } {
  const { dto, now } = input;
  const order: Order = {
    id: randomUUID(),
    caseNo: formatCaseNo('order', now, input.orderNo),
    customerId: dto.customerId,
    acceptedRegion: dto.acceptedRegion,
    contractNo: dto.contractNo ?? null,
    urgent: dto.urgent ?? false,
    requestedCompletionAt: input.requested,
    committedCompletionAt: now, // the resolution clock's due time, once opened
    note: dto.note ?? null,
    state: 'acknowledged',
    priority: input.priority,
    greenChannel: input.greenChannel,
    arrearsOverriddenBy: input.arrearsOverriddenBy,
    inquiryId: input.inquiryId ?? null,
    cancelReason: null,
    createdBy: input.createdBy,
    version: 1,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  };
  const workOrders: WorkOrder[] = workOrderRegions(input.itemRegions).map((region, i) => ({
    id: randomUUID(),
    caseNo: formatCaseNo('work_order', now, input.workOrderNos[i]),
    orderId: order.id,
    customerId: order.customerId,
    region,
    state: 'pending',
    priority: input.priority,
    greenChannel: input.greenChannel,
    dueAt: now, // its resolution clock's due time, once opened
    dispatchedVia: null,
    dispatchedAt: null,
    reason: null,
    version: 1,
    createdAt: now,
    updatedAt: now,
    closedAt: null,
  }));
  const byRegion = new Map(workOrders.map((w) => [w.region, w.id]));
  const items: OrderItem[] = dto.items.map((src, index) => ({
    id: randomUUID(),
    orderId: order.id,
    workOrderId: byRegion.get(input.itemRegions[index])!,
    lineNo: index + 1,
    action: src.action,
    productCode: src.productCode,
    siteId: src.siteId,
    serviceInstanceId: src.serviceInstanceId ?? null,
    quantity: src.quantity,
    attributes: src.attributes ?? {},
  }));
  return { order, workOrders, items };
}
