/** Every event type the service publishes (webhook subscribers choose among these). */
export const EVENT_TYPES = [
  'fault.created',
  'fault.state_changed',
  'fault.assigned',
  'inquiry.created',
  'inquiry.answered',
  'inquiry.closed',
  'support.created',
  'support.state_changed',
  'support.assigned',
  'order.created',
  'order.state_changed',
  'work_order.state_changed',
  'sla.warning',
  'sla.breached',
  'sla.escalated',
  'alert.acknowledged',
  'bill.issued',
  'payment.received',
  'payment.reversed',
  'arrears.overdue',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
