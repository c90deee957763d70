import type { CaseNames } from '../cases/case-names';
import { caseNameFields } from '../cases/case-names';
import type { WorkOrderDto } from './dto/order.dto';
import type { OrderState, WorkOrderState } from './order-lifecycle';
import type { Order } from './order.entity';
import type { DispatchChannel, WorkOrder } from './work-order.entity';

/**
 * The payloads the orders module publishes, one builder each. They are a
 * contract with webhook consumers and regional fulfilment systems
 * (test/e2e/event-payloads.e2e-spec.ts pins every key and type): add a field,
 * never rename or drop one.
 */

type OrderFacts = Pick<Order, 'id' | 'caseNo' | 'customerId' | 'acceptedRegion' | 'priority' | 'greenChannel' | 'committedCompletionAt'>;
type WorkOrderFacts = Pick<WorkOrder, 'id' | 'caseNo' | 'orderId' | 'customerId' | 'region' | 'priority' | 'greenChannel' | 'dueAt'>;

/**
 * What every order event says about the order, in `state`, with its names
 * (issue 13; `regionName` is the accepted region's, no one is assigned an
 * order, so `assigneeName` is null).
 */
function orderFacts(o: OrderFacts, state: OrderState, names: CaseNames) {
  return {
    orderId: o.id,
    caseNo: o.caseNo,
    customerId: o.customerId,
    acceptedRegion: o.acceptedRegion,
    priority: `P${o.priority}`,
    greenChannel: o.greenChannel,
    state,
    committedCompletionAt: o.committedCompletionAt,
    ...caseNameFields(names),
  };
}

/** `order.created`: the order and the work order of each region it reaches. */
export function orderCreatedEvent(
  o: OrderFacts & Pick<Order, 'state'>,
  workOrders: Pick<WorkOrder, 'id' | 'caseNo' | 'region'>[],
  names: CaseNames,
) {
  return {
    ...orderFacts(o, o.state, names),
    workOrders: workOrders.map((w) => ({ workOrderId: w.id, caseNo: w.caseNo, region: w.region })),
  };
}

/**
 * `order.state_changed`: the order (as it was, in `from`) moved to `to`. A
 * reason when staff closed it (cancel, reject); none when its work orders
 * moved it.
 */
export function orderStateChangedEvent(o: OrderFacts & { state: OrderState }, to: OrderState, names: CaseNames, reason?: string) {
  return { ...orderFacts(o, to, names), from: o.state, to, ...(reason === undefined ? {} : { reason }) };
}

/**
 * `work_order.state_changed`: the work order moved `from` → `to`; with the
 * reason staff gave (null when none), or, when the fulfilment queue
 * dispatched it, the channel it went by; and the work order's names (its
 * region's, issue 13).
 */
export function workOrderStateChangedEvent(
  w: WorkOrderFacts,
  orderCaseNo: string,
  move: { from: WorkOrderState; to: WorkOrderState } & ({ reason: string | null } | { dispatchedVia: DispatchChannel }),
  names: CaseNames,
) {
  return {
    workOrderId: w.id,
    caseNo: w.caseNo,
    orderId: w.orderId,
    orderCaseNo,
    customerId: w.customerId,
    region: w.region,
    priority: `P${w.priority}`,
    greenChannel: w.greenChannel,
    state: move.to,
    dueAt: w.dueAt,
    ...move,
    ...caseNameFields(names),
  };
}

/** What a region's dispatch endpoint receives as `work_order.dispatched`: the work order's view and what it needs of the order. */
export function workOrderDispatchedPayload(
  view: WorkOrderDto,
  o: Pick<Order, 'caseNo' | 'acceptedRegion' | 'committedCompletionAt' | 'contractNo' | 'note'>,
) {
  return {
    ...view,
    order: {
      caseNo: o.caseNo,
      acceptedRegion: o.acceptedRegion,
      committedCompletionAt: o.committedCompletionAt,
      contractNo: o.contractNo,
      note: o.note,
    },
  };
}
