/** Every event type the service publishes (webhook subscribers choose among these). */
export const EVENT_TYPES = [
  'fault.created',
  'fault.state_changed',
  'fault.assigned',
  'order.created',
  'order.state_changed',
  'work_order.state_changed',
  'sla.warning',
  'sla.breached',
  'sla.escalated',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
