/** Every BullMQ queue, in one place (the dashboard and the workers read this list). */
export const QueueName = {
  housekeeping: 'housekeeping',
  /** SLA threshold wake-ups and the periodic sweep. */
  sla: 'sla',
  /** Assigning new faults to engineers, green channel first. */
  dispatch: 'dispatch',
  /** Assigning new support requests to engineers, green channel first. */
  supportDispatch: 'support-dispatch',
  /** Support-request upkeep: closing long-resolved requests, re-dispatching waiting ones. */
  support: 'support',
  /** Dispatching regional work orders of orders to their fulfilment teams, green channel first. */
  fulfilment: 'fulfilment',
  /** Order upkeep: re-enqueueing work orders whose fulfilment job was lost. */
  orders: 'orders',
  /** Fault upkeep: closing long-resolved faults, re-dispatching waiting ones. */
  faults: 'faults',
  /** Moving committed events from the outbox to webhook deliveries. */
  outbox: 'outbox',
  /** One job per webhook delivery attempt. */
  webhooks: 'webhooks',
  /** Bill runs (one job per customer), their sweep, and the daily arrears check. */
  billing: 'billing',
  /** Notification messages (one job per digest attempt), the delivery log's sweep. */
  notifications: 'notifications',
  /** The daily check that next year's statutory holidays are known (calendar.year_missing). */
  calendars: 'calendars',
  /** The nightly build of the report rollups (00:30 China time) and rebuild requests. */
  reports: 'reports',
  /** The daily evaluation of abnormal-customer warnings (06:00 China time) and evaluations on request. */
  customerWarnings: 'customer-warnings',
} as const;
export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUES: QueueName[] = Object.values(QueueName);

/** Completed jobs are kept a day for the dashboard, failed ones a week for diagnosis. */
export const DEFAULT_JOB_OPTIONS = {
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
} as const;
