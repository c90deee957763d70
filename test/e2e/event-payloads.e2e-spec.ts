import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { ArrearsService } from '../../src/billing/arrears.service';
import { addDays, chinaToday } from '../../src/common/time/china-days';
import { YearCheckService } from '../../src/calendars/year-check.service';
import { CustomerWarningsService } from '../../src/customer-warnings/customer-warnings.service';
import { EVENT_TYPES } from '../../src/outbox/event-types.port';
import { QueueName } from '../../src/queues/queue-names';
import { ReportsService } from '../../src/reports/reports.service';
import { customerBody, faultBody, mobile } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';
import { waitFor } from '../support/wait';
import type { Hit } from '../support/webhook-receiver';
import { Receiver } from '../support/webhook-receiver';
import { waitForDeliveriesSettled } from '../support/webhooks';

/*
 * The payload of every public event is a contract with webhook consumers: this
 * file pins each one's keys and the type of each value, nested objects and
 * array elements too. A renamed, dropped, added or retyped field fails here;
 * change a payload only by adding a field, and add it here in the same change.
 *
 * A shape is a type name ('string', 'uuid', 'timestamp' (ISO 8601, UTC),
 * 'date' (YYYY-MM-DD), 'integer', 'number', 'boolean', 'null', 'object' (any
 * object: free-form data), or several joined by '|'), an object of shapes
 * (exactly these keys), an array of one shape (every element; the scenario
 * must deliver at least one element somewhere, so the element shape is
 * really checked; emptyHere([shape]) for one the scenario cannot fill).
 */
class EmptyHere {
  constructor(readonly shape: Shape[]) {}
}
type Shape = string | EmptyHere | Shape[] | { [key: string]: Shape };
const emptyHere = (shape: Shape[]) => new EmptyHere(shape);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const IS_A: Record<string, (v: unknown) => boolean> = {
  string: (v) => typeof v === 'string',
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  timestamp: (v) => typeof v === 'string' && TIMESTAMP.test(v),
  date: (v) => typeof v === 'string' && DATE.test(v),
  integer: (v) => Number.isInteger(v),
  number: (v) => typeof v === 'number',
  boolean: (v) => typeof v === 'boolean',
  null: (v) => v === null,
  object: isObject,
};

/** Every way `value` differs from `shape`, by path; `filled` collects the array paths seen with elements. */
function mismatches(value: unknown, shape: Shape, at: string, filled: Set<string>): string[] {
  if (shape instanceof EmptyHere) return mismatches(value, shape.shape, at, filled);
  if (typeof shape === 'string') {
    const types = shape.split('|');
    for (const t of types) if (!IS_A[t]) throw new Error(`unknown type ${t} in the shape at ${at}`);
    return types.some((t) => IS_A[t](value)) ? [] : [`${at}: ${JSON.stringify(value)} is not ${shape}`];
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return [`${at}: ${JSON.stringify(value)} is not an array`];
    if (value.length) filled.add(at);
    return value.flatMap((v, i) => mismatches(v, shape[0], `${at}[]`, filled).map((m) => m.replace(`${at}[]`, `${at}[${i}]`)));
  }
  if (!isObject(value)) return [`${at}: ${JSON.stringify(value)} is not an object`];
  const keys = [...new Set([...Object.keys(shape), ...Object.keys(value)])].sort();
  return keys.flatMap((k) =>
    !(k in shape)
      ? [`${at}.${k}: not in the contract (${JSON.stringify(value[k])})`]
      : !(k in value)
        ? [`${at}.${k}: missing`]
        : mismatches(value[k], shape[k], `${at}.${k}`, filled),
  );
}

/** The array paths of a shape (element paths as `[]`). */
function arrayPaths(shape: Shape, at: string): string[] {
  if (typeof shape === 'string' || shape instanceof EmptyHere) return [];
  if (Array.isArray(shape)) return [at, ...arrayPaths(shape[0], `${at}[]`)];
  return Object.entries(shape).flatMap(([k, s]) => arrayPaths(s, `${at}.${k}`));
}

const MOVE = { from: 'string', to: 'string' };
/** issue 13: the names every case, order and SLA event carries beside the ids (src/cases/case-names.ts). */
const NAMES = {
  title: 'string',
  customerName: 'string',
  regionName: 'string',
  assigneeName: 'string|null',
  accountManagerName: 'string|null',
};
const FAULT = {
  faultId: 'uuid',
  caseNo: 'string',
  category: 'string',
  customerId: 'uuid',
  region: 'string',
  severity: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  state: 'string',
  ...NAMES,
};
const SUPPORT = {
  supportRequestId: 'uuid',
  caseNo: 'string',
  category: 'string',
  customerId: 'uuid',
  region: 'string',
  severity: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  state: 'string',
  assigneeId: 'uuid|null',
  ...NAMES,
};
const CALLBACK = {
  callbackId: 'uuid',
  callbackNo: 'string',
  caseKind: 'string',
  caseId: 'uuid',
  caseNumber: 'string',
  customerId: 'uuid',
  region: 'string',
  ...NAMES,
};
const INQUIRY = {
  inquiryId: 'uuid',
  caseNo: 'string',
  customerId: 'uuid|null',
  region: 'string',
  channel: 'string',
  topic: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  state: 'string',
  ...NAMES,
  // a caller who is not a customer yet
  customerName: 'string|null',
};
const ORDER = {
  orderId: 'uuid',
  caseNo: 'string',
  customerId: 'uuid',
  acceptedRegion: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  state: 'string',
  committedCompletionAt: 'timestamp',
  ...NAMES,
};
const WORK_ORDER = {
  workOrderId: 'uuid',
  caseNo: 'string',
  orderId: 'uuid',
  orderCaseNo: 'string',
  customerId: 'uuid',
  region: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  state: 'string',
  dueAt: 'timestamp',
  ...MOVE,
  ...NAMES,
};
const ALERT = {
  alertId: 'uuid',
  caseKind: 'string',
  caseId: 'uuid',
  caseNo: 'string',
  customerId: 'uuid|null',
  region: 'string',
  clock: 'string',
  level: 'string',
  dueAt: 'timestamp',
  raisedAt: 'timestamp',
  priority: 'string',
  ...NAMES,
  // an inquiry from a caller who is not a customer yet
  customerName: 'string|null',
};
const ALLOCATION = { paymentId: 'uuid', billId: 'uuid', billLineId: 'uuid', servingRegion: 'string', amountFen: 'integer' };

/** Each payload shape an event type has; `when` tells an event's variant (one per type unless the payload differs by case). */
interface Variant {
  type: (typeof EVENT_TYPES)[number];
  name?: string;
  when?: (data: Record<string, unknown>) => boolean;
  shape: Shape;
}
const VARIANTS: Variant[] = [
  { type: 'fault.created', shape: FAULT },
  { type: 'fault.state_changed', shape: { ...FAULT, ...MOVE, reason: 'string|null' } },
  { type: 'fault.assigned', shape: { ...FAULT, assigneeId: 'uuid', previousAssigneeId: 'uuid|null' } },
  { type: 'inquiry.created', shape: INQUIRY },
  { type: 'inquiry.answered', shape: { ...INQUIRY, answeredBy: 'uuid', answeredAt: 'timestamp' } },
  { type: 'inquiry.closed', name: 'closed', when: (d) => d.convertedTo === null, shape: { ...INQUIRY, convertedTo: 'null' } },
  {
    type: 'inquiry.closed',
    name: 'converted',
    when: (d) => d.convertedTo !== null,
    shape: { ...INQUIRY, convertedTo: { kind: 'string', id: 'uuid', caseNo: 'string' } },
  },
  { type: 'support.created', shape: { ...SUPPORT, inquiryId: 'uuid|null' } },
  { type: 'support.state_changed', shape: { ...SUPPORT, ...MOVE, reason: 'string|null' } },
  { type: 'support.assigned', shape: { ...SUPPORT, assigneeId: 'uuid', previousAssigneeId: 'uuid|null' } },
  { type: 'order.created', shape: { ...ORDER, workOrders: [{ workOrderId: 'uuid', caseNo: 'string', region: 'string' }] } },
  { type: 'order.state_changed', name: 'closed by staff', when: (d) => 'reason' in d, shape: { ...ORDER, ...MOVE, reason: 'string' } },
  { type: 'order.state_changed', name: 'derived from its work orders', when: (d) => !('reason' in d), shape: { ...ORDER, ...MOVE } },
  {
    type: 'work_order.state_changed',
    name: 'dispatched',
    when: (d) => 'dispatchedVia' in d,
    shape: { ...WORK_ORDER, dispatchedVia: 'string' },
  },
  {
    type: 'work_order.state_changed',
    name: 'moved or cancelled by staff',
    when: (d) => !('dispatchedVia' in d),
    shape: { ...WORK_ORDER, reason: 'string|null' },
  },
  { type: 'sla.warning', shape: ALERT },
  { type: 'sla.breached', shape: ALERT },
  {
    type: 'sla.escalated',
    shape: { ...ALERT, escalation: { level: 'integer', notify: ['string'], accountManagerId: 'uuid|null' } },
  },
  { type: 'alert.acknowledged', shape: { ...ALERT, acknowledgedBy: 'uuid', acknowledgedAt: 'timestamp', note: 'string|null' } },
  {
    type: 'bill.issued',
    shape: {
      billId: 'uuid',
      billNo: 'string',
      customerId: 'uuid',
      period: 'string',
      totalFen: 'integer',
      paidFen: 'integer',
      state: 'string',
      issueDate: 'date',
      dueDate: 'date',
      lines: [{ servingRegion: 'string', amountFen: 'integer', dueFen: 'integer' }],
    },
  },
  {
    type: 'payment.received',
    shape: {
      paymentId: 'uuid',
      customerId: 'uuid',
      amountFen: 'integer',
      collectedRegion: 'string',
      method: 'string',
      allocatedFen: 'integer',
      creditFen: 'integer',
      allocations: [ALLOCATION],
    },
  },
  {
    type: 'payment.reversed',
    shape: { paymentId: 'uuid', customerId: 'uuid', reason: 'string', undone: [ALLOCATION], creditReapplied: [ALLOCATION] },
  },
  {
    type: 'arrears.overdue',
    shape: {
      customerId: 'uuid',
      customerNo: 'string',
      bucket: 'string',
      overdueFen: 'integer',
      oldestOverdueDate: 'date',
      accountManagerId: 'uuid|null',
      blockedForArrears: 'boolean',
      asOf: 'date',
    },
  },
  {
    type: 'calendar.changed',
    name: 'of one calendar',
    when: (d) => d.calendarKey !== null,
    shape: {
      keys: ['string'],
      calendarKey: 'string',
      year: 'null',
      version: 'integer',
      change: 'string',
      fields: ['string'],
      changedFrom: 'date|null',
    },
  },
  {
    type: 'calendar.changed',
    name: 'of China’s statutory days',
    when: (d) => d.calendarKey === null,
    shape: {
      keys: ['string'],
      calendarKey: 'null',
      year: 'integer',
      version: 'integer',
      change: 'string',
      fields: emptyHere(['string']),
      changedFrom: 'date',
    },
  },
  { type: 'calendar.year_missing', shape: { year: 'integer', asOf: 'date' } },
  { type: 'report.daily_ready', shape: { date: 'date', builtAt: 'timestamp', rebuild: 'boolean' } },
  { type: 'report.monthly_ready', shape: { month: 'string', daysBuilt: 'integer', builtAt: 'timestamp' } },
  {
    type: 'callback.created',
    shape: {
      ...CALLBACK,
      dueAt: 'timestamp',
      selectedBy: 'string',
      priority: 'string',
      greenChannel: 'boolean',
    },
  },
  {
    type: 'callback.low_score',
    shape: {
      ...CALLBACK,
      score: 'integer',
      comment: 'string|null',
      reasons: ['string'],
      accountManagerId: 'uuid|null',
      attemptedBy: 'uuid|null',
    },
  },
  {
    type: 'customer.warning',
    shape: {
      warningId: 'uuid',
      customerId: 'uuid',
      customerNo: 'string',
      customerName: 'string',
      region: 'string',
      regionName: 'string',
      accountManagerId: 'uuid|null',
      signal: 'string',
      week: 'string',
      // what the signal saw and the thresholds it was judged by: per signal, docs/REPORTS.md "Customer warnings"
      figures: 'object',
      thresholds: 'object',
      raisedAt: 'timestamp',
      evaluationId: 'uuid',
    },
  },
  {
    type: 'customer.created',
    shape: {
      customerId: 'uuid',
      customerNo: 'string',
      customerName: 'string',
      region: 'string',
      tier: 'string',
      accountManagerId: 'uuid|null',
      version: 'integer',
    },
  },
  {
    type: 'customer.updated',
    shape: {
      customerId: 'uuid',
      customerNo: 'string',
      customerName: 'string',
      region: 'string',
      tier: 'string',
      accountManagerId: 'uuid|null',
      version: 'integer',
      // which fields changed: record fields, accountManagerId, archived, contacts, sites
      changed: ['string'],
    },
  },
];
const variantName = (v: Variant) => (v.name ? `${v.type} (${v.name})` : v.type);

/** What a region's dispatch endpoint receives for a work order (not an outbox event, but a contract with regional systems too). */
const WORK_ORDER_DISPATCHED = {
  id: 'uuid',
  caseNo: 'string',
  orderId: 'uuid',
  customerId: 'uuid',
  region: 'string',
  state: 'string',
  priority: 'string',
  greenChannel: 'boolean',
  dueAt: 'timestamp',
  dispatchedVia: 'string|null',
  dispatchedAt: 'timestamp|null',
  reason: 'string|null',
  items: [
    {
      id: 'uuid',
      lineNo: 'integer',
      action: 'string',
      productCode: 'string',
      // issue 11: the product's name, so the region needs no catalogue call
      productName: 'string',
      siteId: 'uuid',
      serviceInstanceId: 'uuid|null',
      quantity: 'integer',
      attributes: 'object',
    },
  ],
  sla: {
    responseDueAt: 'timestamp',
    resolutionDueAt: 'timestamp',
    responseState: 'string',
    resolutionState: 'string',
    // working time (issue 12): the calendars and what is left of each target when it was sent
    responseWorkingSecondsRemaining: 'integer',
    resolutionWorkingSecondsRemaining: 'integer',
    responseCalendar: 'string',
    resolutionCalendar: 'string',
    breached: 'boolean',
    policyKey: 'string',
    policyVersion: 'integer',
  },
  // always empty here: a work order is sent while pending, and staff make no move from pending
  allowedTransitions: emptyHere(['string']),
  version: 'integer',
  createdAt: 'timestamp',
  updatedAt: 'timestamp',
  closedAt: 'timestamp|null',
  // issue 11: what the regional team needs without another call (the contact always masked here)
  orderCaseNo: 'string',
  contractNo: 'string|null',
  regionName: 'string',
  sites: [{ id: 'uuid', name: 'string', address: 'string', region: 'string', regionName: 'string' }],
  contact: { name: 'string', mobile: 'string', role: 'string', masked: 'boolean' },
  retryable: 'boolean',
  order: {
    caseNo: 'string',
    acceptedRegion: 'string',
    committedCompletionAt: 'timestamp',
    contractNo: 'string|null',
    note: 'string|null',
  },
};

const ENVELOPE = { id: 'uuid', type: 'string', occurredAt: 'timestamp', data: 'object' };

/** Foshan (Nanhai) and Beijing (Chaoyang): an order reaching both makes two work orders. */
const SITES = [
  { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' },
  { name: '北京办事处', region: '110105', address: '北京市朝阳区建国路1号' },
];

describe('public event payloads (the webhook contract)', () => {
  let t: TestApp;
  const receiver = new Receiver();
  /** Every event delivered to a subscription to all event types, and what Beijing's dispatch endpoint received. */
  let events: Hit[] = [];
  let regionDispatches: Hit[] = [];
  /** What the names in the payloads must say (issue 13). */
  let named: { faultId: string; faultNo: string; complaintId: string; complaintNo: string; engineer: string; accountManager: string };

  beforeAll(async () => {
    await receiver.start();
    t = await startTestApp({ WEBHOOK_ALLOW_PRIVATE: 'true', OUTBOX_POLL_MS: '200', SLA_SWEEP_SECONDS: '1' });
    const [director, agent, engineer, am, fsFulfil, bjFulfil, billing] = await Promise.all([
      t.staff(['director'], ['CN']),
      t.staff(['agent'], ['440000']),
      t.staff(['engineer'], ['440600']),
      t.staff(['account_manager'], ['440600']),
      t.staff(['fulfilment'], ['440600']),
      t.staff(['fulfilment'], ['110000']),
      t.staff(['billing'], ['CN']),
    ]);
    // Assignments come from the API only, so each assigned event is the one this test asks for.
    await t.dataSource.query(`UPDATE staff SET on_duty = false WHERE 'engineer' = ANY(roles)`);
    const api = (who: StaffLogin, method: 'post' | 'put' | 'patch', path: string, body: unknown, status: number) =>
      t
        .http()
        [method](`/api/v1${path}`)
        .set(bearer(who))
        .send(body as object)
        .then((res) => {
          if (res.status !== status) throw new Error(`${method.toUpperCase()} ${path}: ${res.status} ${JSON.stringify(res.body)}`);
          return res.body;
        });

    const secret = `whsec-${unique()}-0123456789`;
    const hook = receiver.endpoint(secret);
    const subscription = await api(t.admin, 'post', '/webhooks', { url: hook.url, events: [...EVENT_TYPES], secret }, 201);
    const region = receiver.endpoint(secret);
    await api(t.admin, 'put', '/regions/110000/dispatch', { url: region.url, secret }, 200);
    // A complaint's response clock of 2 s: warning, breach and both escalations within 4 s.
    await api(t.admin, 'put', '/sla/policies/complaint:P1', { responseSeconds: 2, resolutionSeconds: 600, warnAtPercent: 50 }, 200);

    const c = await api(director, 'post', '/customers', customerBody({ tier: 'key', sites: SITES, accountManagerId: am.id }), 201);
    await api(director, 'patch', `/customers/${c.id}`, { industry: 'education', expectedVersion: 1 }, 200);

    // faults and complaints
    const fault = await api(agent, 'post', '/faults', faultBody(c.id), 201);
    await api(agent, 'post', `/faults/${fault.id}/assign`, { engineerId: engineer.id }, 200);
    await api(agent, 'post', `/faults/${fault.id}/transitions`, { to: 'in_progress' }, 200);
    const complaint = await api(agent, 'post', '/faults', faultBody(c.id, { category: 'complaint', title: '装机延误投诉' }), 201);
    named = {
      faultId: fault.id,
      faultNo: fault.caseNo,
      complaintId: complaint.id,
      complaintNo: complaint.caseNo,
      engineer: engineer.username,
      accountManager: am.username,
    };

    // support
    const supportBody = {
      customerId: c.id,
      category: 'maintenance',
      description: '核心交换机巡检',
      contactName: '王工',
      contactMobile: mobile(),
    };
    const sr = await api(agent, 'post', '/support-requests', supportBody, 201);
    await api(agent, 'post', `/support-requests/${sr.id}/assign`, { engineerId: engineer.id }, 200);
    await api(agent, 'post', `/support-requests/${sr.id}/transitions`, { to: 'in_progress' }, 200);

    // a satisfaction call-back: the closed support request of a key customer is called back, scores 1, and becomes a complaint
    const srDone = await api(agent, 'post', '/support-requests', supportBody, 201);
    await api(agent, 'post', `/support-requests/${srDone.id}/transitions`, { to: 'in_progress' }, 200);
    await api(agent, 'post', `/support-requests/${srDone.id}/transitions`, { to: 'resolved' }, 200);
    await api(agent, 'post', `/support-requests/${srDone.id}/transitions`, { to: 'closed' }, 200);
    const [{ id: callbackId }] = await t.dataSource.query(`SELECT id FROM callbacks WHERE case_id = $1`, [srDone.id]);
    await api(
      agent,
      'post',
      `/callbacks/${callbackId}/attempts`,
      { reached: true, score: 1, reasons: ['响应慢'], comment: '等了很久' },
      201,
    );
    await api(agent, 'post', `/callbacks/${callbackId}/complaint`, {}, 201);

    // inquiries: answered and closed, converted to support, converted to an order
    const inquiryBody = {
      customerId: c.id,
      callerName: '张先生',
      callerMobile: mobile(),
      channel: 'hotline',
      topic: 'tariff',
      question: '资费？',
    };
    const item = (siteId: string) => ({
      action: 'add',
      productCode: 'MPLS_VPN',
      siteId,
      quantity: 1,
      attributes: { bandwidthMbps: 100, qosClass: 'gold' },
    });
    const q1 = await api(agent, 'post', '/inquiries', inquiryBody, 201);
    await api(agent, 'post', `/inquiries/${q1.id}/answer`, { answer: '1G专线月租……' }, 200);
    await api(agent, 'post', `/inquiries/${q1.id}/close`, {}, 200);
    const q2 = await api(agent, 'post', '/inquiries', inquiryBody, 201);
    await api(agent, 'post', `/inquiries/${q2.id}/convert`, { to: 'support', category: 'other' }, 201);
    const q3 = await api(agent, 'post', '/inquiries', { ...inquiryBody, topic: 'product' }, 201);
    await api(
      agent,
      'post',
      `/inquiries/${q3.id}/convert`,
      { to: 'order', order: { acceptedRegion: '440600', items: [item(c.sites[0].id)] } },
      201,
    );

    // orders: one fulfilled by both regions (Beijing's work order goes to its endpoint), one cancelled
    const orderBody = {
      customerId: c.id,
      acceptedRegion: '440600',
      contractNo: 'GD-2026-KA-0042',
      items: c.sites.map((s: { id: string }) => item(s.id)),
    };
    const o1 = await api(agent, 'post', '/orders', orderBody, 201);
    const dispatched = await waitFor(
      async () => {
        const o = (await t.http().get(`/api/v1/orders/${o1.id}`).set(bearer(director)).expect(200)).body;
        return o.workOrders.every((w: { state: string }) => w.state === 'dispatched') && (o.workOrders as { id: string; region: string }[]);
      },
      15_000,
      'both work orders dispatched',
    );
    const by: Record<string, StaffLogin> = { '440605': fsFulfil, '110105': bjFulfil };
    for (const to of ['in_progress', 'completed']) {
      for (const w of dispatched) await api(by[w.region], 'post', `/work-orders/${w.id}/transitions`, { to }, 200);
    }
    const o2 = await api(agent, 'post', '/orders', orderBody, 201);
    await api(agent, 'post', `/orders/${o2.id}/cancel`, { reason: '客户撤单' }, 200);

    // billing, on a customer of its own: a bill, a payment allocated to it, one left as credit, the first reversed
    // (the credit is re-applied), and the rest overdue
    const b = await api(director, 'post', '/customers', customerBody({ sites: [SITES[0]], accountManagerId: am.id }), 201);
    const past = new Date();
    past.setUTCMonth(past.getUTCMonth() - 6, 1);
    const period = past.toISOString().slice(0, 7);
    await api(
      billing,
      'post',
      '/billing/charges',
      {
        customerId: b.id,
        serviceRegion: '440605',
        period,
        kind: 'recurring',
        amountFen: 3_000,
        description: '专线月租',
        sourceRef: unique('SRC-'),
      },
      201,
    );
    const run = await api(billing, 'post', '/billing/bill-runs', { period }, 202);
    await waitFor(
      async () => (await t.http().get(`/api/v1/billing/bill-runs/${run.id}`).set(bearer(billing)).expect(200)).body.state === 'completed',
      30_000,
      'the bill run',
    );
    const pay = (amountFen: number) =>
      api(billing, 'post', '/payments', { customerId: b.id, amountFen, collectedRegion: '440605', method: 'bank_transfer' }, 201);
    const paid = await pay(3_000);
    await pay(1_000);
    await api(director, 'post', `/payments/${paid.id}/reverse`, { reason: '银行退票' }, 200);
    // what the daily arrears job runs, as of a day the bill is overdue: billed months late, it falls due BILL_DUE_DAYS after today
    expect(await t.app.get(ArrearsService).notify(addDays(chinaToday(), 45))).toBeGreaterThanOrEqual(1);

    // calendars: one created, edited and given a day of its own; a year of China's statutory days entered by hand; the year check in December
    const office = await api(
      t.admin,
      'post',
      '/calendars',
      { key: 'gz-office', name: '广州政务中心', weekly: { 1: [{ start: '08:30', end: '12:00' }] } },
      201,
    );
    const edited = await api(
      t.admin,
      'put',
      '/calendars/gz-office',
      {
        name: '广州政务服务中心',
        weekly: {
          1: [
            { start: '08:30', end: '12:00' },
            { start: '14:00', end: '17:30' },
          ],
        },
        expectedVersion: office.version,
      },
      200,
    );
    await api(
      t.admin,
      'put',
      '/calendars/gz-office/days/2030-10-08',
      { type: 'holiday', name: '年会', expectedVersion: edited.version },
      200,
    );
    await api(t.admin, 'put', '/calendars/holidays/2030', { days: [{ date: '2030-01-01', type: 'holiday', name: '元旦' }] }, 200);
    // a year no package will have for long: the check as of 1 December of the year before
    expect(await t.app.get(YearCheckService).check(new Date('2099-12-01T09:00:00+08:00'))).toMatchObject({ year: 2100, notified: true });
    // the nightly report build as of 00:30 on a 1st: the last day of the month before, then the month's report
    expect(await t.app.get(ReportsService).nightly(new Date('2030-02-01T00:30:00+08:00'))).toEqual({ day: '2030-01-31', month: '2030-01' });

    await waitFor(
      async () =>
        (await t.dataSource.query(`SELECT count(*)::int AS n FROM alerts WHERE case_id = $1 AND clock = 'response'`, [complaint.id]))[0]
          .n === 4,
      15_000,
      'the complaint’s four response alerts',
    );
    // the daily evaluation of customer warnings: the complaint's breach is the customer's sla_breaches warning (issue 14 point 5)
    expect((await t.app.get(CustomerWarningsService).daily(new Date())).result?.raised.sla_breaches).toBeGreaterThanOrEqual(1);
    // acknowledged: one alert alone with a note, the rest of the case at once without one
    const [firstAlert] = await t.dataSource.query(`SELECT id FROM alerts WHERE case_id = $1 ORDER BY raised_at LIMIT 1`, [complaint.id]);
    await api(agent, 'post', `/alerts/${firstAlert.id}/ack`, { note: '已电话联系客户' }, 200);
    await api(agent, 'post', '/alerts/ack', { caseId: complaint.id }, 200);
    await waitForDeliveriesSettled(
      (sql, params) => t.dataSource.query(sql, params),
      t.app.get<Queue>(getQueueToken(QueueName.webhooks)),
      [subscription.id],
      30_000,
    );
    events = receiver.at(hook.path);
    regionDispatches = receiver.at(region.path);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await receiver.stop();
  });

  it('delivers every event type of the list, each in the same envelope, signed', () => {
    expect([...new Set(events.map((h) => h.body.type))].sort()).toEqual([...EVENT_TYPES].sort());
    for (const h of events) {
      expect(h.signatureOk).toBe(true);
      expect(mismatches(h.body, ENVELOPE, 'body', new Set())).toEqual([]);
    }
  });

  it.each(VARIANTS.map((v) => [variantName(v), v] as const))('pins the payload of %s', (_name, variant) => {
    const ofType = events.filter((h) => h.body.type === variant.type);
    // each delivered event of the type is of exactly one of its variants
    for (const h of ofType) {
      expect(VARIANTS.filter((v) => v.type === variant.type && (v.when?.(h.body.data) ?? true)).map(variantName)).toHaveLength(1);
    }
    const mine = ofType.filter((h) => variant.when?.(h.body.data) ?? true);
    expect(mine.length).toBeGreaterThan(0);
    const filled = new Set<string>();
    expect(mine.flatMap((h) => mismatches(h.body.data, variant.shape, 'data', filled))).toEqual([]);
    // every array of the contract had elements in some event, so their element shapes were checked
    expect(arrayPaths(variant.shape, 'data').filter((p) => !filled.has(p))).toEqual([]);
  });

  it('names the customer, the case, its region, its assignee and account manager: a real fault and an SLA breach (issue 13)', () => {
    const of = (type: string, caseId: string) =>
      events.filter((h) => h.body.type === type && [h.body.data.faultId, h.body.data.caseId].includes(caseId)).map((h) => h.body.data);
    // the staff the test app creates are named by their usernames
    const case1 = {
      caseNo: named.faultNo,
      title: '专线中断',
      priority: 'P1',
      customerName: '佛山市南海区人民政府',
      regionName: '广东省佛山市南海区',
      accountManagerName: named.accountManager,
    };
    expect(of('fault.created', named.faultId)).toEqual([expect.objectContaining({ ...case1, assigneeName: null })]);
    expect(of('fault.assigned', named.faultId)).toEqual([expect.objectContaining({ ...case1, assigneeName: named.engineer })]);
    expect(of('fault.state_changed', named.faultId)).toEqual([
      expect.objectContaining({ ...case1, assigneeName: named.engineer, to: 'in_progress' }),
    ]);
    const breach = of('sla.breached', named.complaintId);
    expect(breach).toEqual([
      expect.objectContaining({
        caseNo: named.complaintNo,
        clock: 'response',
        title: '装机延误投诉',
        priority: 'P1',
        customerName: '佛山市南海区人民政府',
        regionName: '广东省佛山市南海区',
        assigneeName: null,
        accountManagerName: named.accountManager,
      }),
    ]);
    const escalated = of('sla.escalated', named.complaintId);
    expect(escalated.map((d) => (d.escalation as { level: number }).level).sort()).toEqual([2, 3]);
    for (const d of escalated) {
      expect(d).toMatchObject({ accountManagerName: named.accountManager, customerName: '佛山市南海区人民政府' });
      expect((d.escalation as { accountManagerId: string }).accountManagerId).toMatch(UUID);
    }
  });

  it('pins what a region’s dispatch endpoint receives for a work order (work_order.dispatched)', () => {
    expect(regionDispatches.length).toBeGreaterThan(0);
    const filled = new Set<string>();
    for (const h of regionDispatches) {
      expect(h.signatureOk).toBe(true);
      expect(h.body.type).toBe('work_order.dispatched');
      expect(mismatches(h.body, ENVELOPE, 'body', new Set())).toEqual([]);
      expect(mismatches(h.body.data, WORK_ORDER_DISPATCHED, 'data', filled)).toEqual([]);
    }
    expect(arrayPaths(WORK_ORDER_DISPATCHED, 'data').filter((p) => !filled.has(p))).toEqual([]);
  });
});
