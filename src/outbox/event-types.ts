/** Every event type the service publishes (webhook subscribers choose among these). */
export const EVENT_TYPES = [
  'fault.created',
  'fault.state_changed',
  'fault.assigned',
  'sla.warning',
  'sla.breached',
  'sla.escalated',
  'bill.issued',
  'payment.received',
  'payment.reversed',
  'arrears.overdue',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];
