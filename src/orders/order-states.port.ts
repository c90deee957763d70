/**
 * The order and work-order states as other modules may know them (the TMF622
 * facade maps them onto TMF's): the lists and their types, defined with the
 * lifecycle in order-lifecycle.ts.
 */
export { ORDER_STATES, WORK_ORDER_STATES } from './order-lifecycle';
export type { OrderState, WorkOrderState } from './order-lifecycle';
