import type { ClockChange } from '../sla/sla-clocks.service';

/**
 * Orders and their regional work orders (TMF622 states in snake_case). The
 * services, the OpenAPI text and the tests read these tables.
 *
 * An order's state is never set by hand (except cancel and reject): it is
 * derived from its work orders, under a lock on the order row, in the
 * transaction that moves a work order.
 */
export const ORDER_STATES = ['acknowledged', 'in_progress', 'completed', 'partial', 'failed', 'rejected', 'cancelled'] as const;
export type OrderState = (typeof ORDER_STATES)[number];
export const ORDER_FINAL_STATES: readonly OrderState[] = ['completed', 'partial', 'failed', 'rejected', 'cancelled'];
export const ORDER_OPEN_STATES: readonly OrderState[] = ['acknowledged', 'in_progress'];

export const WORK_ORDER_STATES = ['pending', 'dispatched', 'in_progress', 'completed', 'failed', 'cancelled'] as const;
export type WorkOrderState = (typeof WORK_ORDER_STATES)[number];
export const WORK_ORDER_TRANSITIONS: Record<WorkOrderState, readonly WorkOrderState[]> = {
  pending: ['dispatched', 'cancelled'],
  dispatched: ['in_progress', 'cancelled'],
  in_progress: ['completed', 'failed', 'cancelled'],
  completed: [],
  failed: [],
  cancelled: [],
};
/** Moves fulfilment staff make; dispatching is the fulfilment queue's, cancelling the order's. */
export const WORK_ORDER_STAFF_MOVES = ['in_progress', 'completed', 'failed'] as const;
export type WorkOrderStaffMove = (typeof WORK_ORDER_STAFF_MOVES)[number];
export const WORK_ORDER_NEEDS_REASON: readonly WorkOrderState[] = ['failed'];
export const WORK_ORDER_OPEN_STATES: readonly WorkOrderState[] = ['pending', 'dispatched', 'in_progress'];
/** Not yet taken by its region: the order's response clock waits for these. */
const NOT_TAKEN: readonly WorkOrderState[] = ['pending', 'dispatched'];

export const canMoveWorkOrder = (from: WorkOrderState, to: WorkOrderState) => WORK_ORDER_TRANSITIONS[from].includes(to);
export const staffMovesFrom = (from: WorkOrderState): WorkOrderStaffMove[] =>
  WORK_ORDER_STAFF_MOVES.filter((to) => WORK_ORDER_TRANSITIONS[from].includes(to));

/** What a work order's move does to its own clocks. */
export function workOrderClockEffects(to: WorkOrderState): ClockChange[] {
  if (to === 'in_progress') return ['stop_response'];
  if (to === 'completed' || to === 'failed' || to === 'cancelled') return ['stop_all'];
  return [];
}

/**
 * All completed → completed; some completed and the rest failed → partial;
 * all failed → failed; any taken → in_progress. A final order stays as it is
 * (docs/ARCHITECTURE.md, "Order and work order lifecycle").
 */
export function deriveOrderState(current: OrderState, workOrders: readonly WorkOrderState[]): OrderState {
  if (ORDER_FINAL_STATES.includes(current) || !workOrders.length) return current;
  const done = workOrders.every((s) => s === 'completed' || s === 'failed');
  if (done) {
    const completed = workOrders.filter((s) => s === 'completed').length;
    return completed === workOrders.length ? 'completed' : completed === 0 ? 'failed' : 'partial';
  }
  return workOrders.some((s) => !NOT_TAKEN.includes(s) && s !== 'cancelled') ? 'in_progress' : current;
}

/** The order's response ends when every region has taken its work order (docs/ARCHITECTURE.md, "SLA clocks"). */
export const everyRegionTook = (workOrders: readonly WorkOrderState[]) => workOrders.every((s) => !NOT_TAKEN.includes(s));

/** Cancelling is allowed while the order is open and no work order has completed. */
export const cancellable = (order: OrderState, workOrders: readonly WorkOrderState[]) =>
  ORDER_OPEN_STATES.includes(order) && !workOrders.includes('completed');

/** Rejecting (the operator refuses the order) is allowed only before any region has taken its part. */
export const rejectable = (order: OrderState) => order === 'acknowledged';
