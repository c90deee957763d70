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
  // pending: retried (POST /work-orders/:id/retry); cancelled: the order cancelled for the regions not completed
  failed: ['pending', 'cancelled'],
  cancelled: [],
};
/**
 * Moves fulfilment staff make on the transitions route; dispatching is the
 * fulfilment queue's, cancelling the order's, and failed → pending the retry
 * route's (it has its own roles: a director may retry too).
 */
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

/** A work order the order's cancel closes: one still open, or one that failed (it could otherwise be retried). */
export const WORK_ORDER_CANCELLABLE_STATES: readonly WorkOrderState[] = [...WORK_ORDER_OPEN_STATES, 'failed'];
/** Derived final states a retry reopens; a cancelled, rejected or completed order stays closed. */
const REOPENABLE: readonly OrderState[] = ['partial', 'failed'];

/**
 * All completed → completed; some completed and the rest failed or
 * cancelled → partial; all failed → failed; any taken → in_progress. A
 * final order stays as it is, unless `reopen` (a failed work order was
 * retried): a partial or failed order is then derived afresh
 * (docs/ARCHITECTURE.md, "Order and work order lifecycle").
 */
export function deriveOrderState(current: OrderState, workOrders: readonly WorkOrderState[], reopen = false): OrderState {
  if (reopen && REOPENABLE.includes(current)) current = 'acknowledged';
  if (ORDER_FINAL_STATES.includes(current) || !workOrders.length) return current;
  const done = workOrders.every((s) => s === 'completed' || s === 'failed' || s === 'cancelled');
  if (done) {
    const completed = workOrders.filter((s) => s === 'completed').length;
    return completed === workOrders.length ? 'completed' : completed === 0 ? 'failed' : 'partial';
  }
  return workOrders.some((s) => !NOT_TAKEN.includes(s) && s !== 'cancelled') ? 'in_progress' : current;
}

/** The order's response ends when every region has taken its work order (docs/ARCHITECTURE.md, "SLA clocks"). */
export const everyRegionTook = (workOrders: readonly WorkOrderState[]) => workOrders.every((s) => !NOT_TAKEN.includes(s));

/**
 * Cancelling is allowed while some work order is open or failed (failed ones
 * could be retried) and the order was not closed by staff or completed: the
 * regions not completed are cancelled.
 */
export const cancellable = (order: OrderState, workOrders: readonly WorkOrderState[]) =>
  !['cancelled', 'rejected', 'completed'].includes(order) && workOrders.some((s) => WORK_ORDER_CANCELLABLE_STATES.includes(s));

/**
 * The order's state once its cancellable work orders are cancelled
 * (`workOrders` as they are then): cancelled when no region completed,
 * else what the work orders derive (partial: completed and cancelled regions).
 */
export const stateAfterCancel = (order: OrderState, workOrders: readonly WorkOrderState[]): OrderState =>
  workOrders.includes('completed') ? deriveOrderState(order, workOrders) : 'cancelled';

/** Rejecting (the operator refuses the order) is allowed only before any region has taken its part. */
export const rejectable = (order: OrderState) => order === 'acknowledged';
