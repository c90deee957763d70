import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';

/*
 * Generated histories for the reports tests: cases whose clocks were
 * started, paused, resumed, stopped and reopened on the 24x7 calendar (so
 * working time is the time a clock ran), with the alerts each clock raised,
 * feedback, the satisfaction call-backs of closed tickets, orders with work
 * orders, bills and payments. Written straight
 * into the tables (the months lie in the past); the tests recompute the
 * KPIs from these objects, independently of any SQL.
 */

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const H = 3_600_000;
const DAY = 24 * H;

export interface GenClock {
  id: string;
  clock: 'response' | 'resolution';
  targetMs: number;
  startedAt: number;
  dueAt: number;
  state: 'running' | 'paused' | 'stopped';
  stoppedAt: number | null;
  workedMs: number;
  resumedAt: number | null;
  pausedAt: number | null;
  pausedMs: number;
}
export interface GenAlert {
  clock: GenClock;
  level: 'breached' | 'escalated_2' | 'escalated_3';
  raisedAt: number;
}
export interface GenCase {
  id: string;
  kind: 'fault' | 'complaint' | 'support' | 'inquiry';
  region: string;
  customerId: string;
  amId: string | null;
  priority: number;
  green: boolean;
  openedAt: number;
  state: string;
  closedAt: number | null;
  clocks: GenClock[];
  alerts: GenAlert[];
  score: number | null;
}
export interface GenCustomer {
  id: string;
  amId: string | null;
}

/** One case's life up to `horizon`: cancellations, responses, pauses, resolutions, one reopening, closing and feedback. */
export function simulateCase(
  rnd: () => number,
  c: Omit<GenCase, 'state' | 'closedAt' | 'clocks' | 'alerts' | 'score'>,
  horizon: number,
): GenCase {
  const pick = <T>(xs: T[]) => xs[Math.floor(rnd() * xs.length)];
  const R = pick([15, 30, 60, 120]) * 60_000;
  const S = pick([4, 8, 24, 48]) * H;
  const clock = (name: 'response' | 'resolution', target: number): GenClock => ({
    id: randomUUID(),
    clock: name,
    targetMs: target,
    startedAt: c.openedAt,
    dueAt: c.openedAt + target,
    state: 'running',
    stoppedAt: null,
    workedMs: 0,
    resumedAt: c.openedAt,
    pausedAt: null,
    pausedMs: 0,
  });
  const resp = clock('response', R);
  const reso = clock('resolution', S);
  const stop = (k: GenClock, at: number) => {
    if (k.state === 'running') k.workedMs += at - (k.resumedAt as number);
    k.state = 'stopped';
    k.stoppedAt = at;
    k.resumedAt = null;
    k.pausedAt = null;
  };
  const out: GenCase = { ...c, state: 'acknowledged', closedAt: null, clocks: [resp, reso], alerts: [], score: null };
  const finish = () => {
    for (const k of out.clocks) {
      const end = k.state === 'stopped' ? (k.stoppedAt as number) : horizon;
      const levels: [GenAlert['level'], number][] = [
        ['breached', k.dueAt],
        ['escalated_2', k.dueAt + k.targetMs / 2],
        ['escalated_3', k.dueAt + k.targetMs],
      ];
      for (const [level, at] of levels) if (end > at && at <= horizon) out.alerts.push({ clock: k, level, raisedAt: at });
    }
    return out;
  };
  // cancelled before anyone took it
  if (rnd() < 0.1) {
    const at = c.openedAt + Math.floor(rnd() * 2 * R);
    if (at > horizon) return finish();
    stop(resp, at);
    stop(reso, at);
    out.state = 'cancelled';
    out.closedAt = at;
    return finish();
  }
  const took = c.openedAt + Math.floor(rnd() * 2 * R);
  if (took > horizon) return finish();
  stop(resp, took);
  out.state = 'in_progress';
  let now = took;
  let reopened = false;
  for (;;) {
    if (rnd() < 0.4) {
      const p = now + Math.floor((rnd() * S) / 2);
      const d = Math.floor(rnd() * S);
      if (p > horizon) return finish();
      reso.workedMs += p - (reso.resumedAt as number);
      reso.state = 'paused';
      reso.pausedAt = p;
      reso.resumedAt = null;
      if (p + d > horizon) {
        out.state = 'pending';
        return finish();
      }
      reso.state = 'running';
      reso.pausedAt = null;
      reso.resumedAt = p + d;
      reso.dueAt += d;
      reso.pausedMs += d;
      now = p + d;
    }
    const resolved = now + Math.floor(rnd() * 1.5 * S);
    if (resolved > horizon) return finish();
    stop(reso, resolved);
    out.state = 'resolved';
    if (!reopened && rnd() < 0.25) {
      const back = resolved + Math.floor(rnd() * DAY);
      if (back > horizon) return finish();
      reopened = true;
      // the time spent resolved counts as paused (docs/ARCHITECTURE.md, "Ticket lifecycle")
      reso.state = 'running';
      reso.stoppedAt = null;
      reso.resumedAt = back;
      reso.dueAt += back - resolved;
      reso.pausedMs += back - resolved;
      out.state = 'in_progress';
      now = back;
      continue;
    }
    const closed = resolved + Math.floor(rnd() * 3 * DAY);
    if (closed > horizon) return finish();
    out.state = 'closed';
    out.closedAt = closed;
    if (c.kind !== 'inquiry' && rnd() < 0.7) out.score = 1 + Math.floor(rnd() * 5);
    return finish();
  }
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export async function insertCase(db: DataSource, c: GenCase, n: number): Promise<void> {
  const caseNo = `${c.kind.slice(0, 3).toUpperCase()}-GEN-${n}-${c.id.slice(0, 8)}`;
  const final = ['closed', 'rejected', 'cancelled'].includes(c.state);
  await db.query(
    `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
     VALUES ($1, $2, $3, $4, $5, '报表测试', $6, $7, $8, $9, $10, $11)`,
    [
      c.kind,
      c.id,
      caseNo,
      c.customerId,
      c.region,
      c.state,
      c.priority,
      c.green,
      !final && c.state !== 'resolved',
      iso(c.openedAt),
      iso(c.closedAt),
    ],
  );
  if (c.kind === 'fault' || c.kind === 'complaint') {
    await db.query(
      `INSERT INTO faults (id, case_no, customer_id, category, severity, title, description, reported_via, region, reporter_name, reporter_mobile,
                           state, priority, green_channel, feedback_score, feedback_at, closed_at, created_at)
       VALUES ($1, $2, $3, $4, 'minor', '报表测试', '生成的故障', 'hotline', $5, '张三', '13800000000', $6, $7, $8, $9, $10, $10, $11)`,
      [c.id, caseNo, c.customerId, c.kind, c.region, c.state, c.priority, c.green, c.score, iso(c.closedAt), iso(c.openedAt)],
    );
  } else if (c.kind === 'support') {
    await db.query(
      `INSERT INTO support_requests (id, case_no, customer_id, category, severity, description, region, contact_name, contact_mobile,
                                     state, priority, green_channel, feedback_score, feedback_at, closed_at, created_at)
       VALUES ($1, $2, $3, 'other', 'minor', '生成的支持', $4, '李四', '13900000000', $5, $6, $7, $8, $9, $9, $10)`,
      [c.id, caseNo, c.customerId, c.region, c.state, c.priority, c.green, c.score, iso(c.closedAt), iso(c.openedAt)],
    );
  }
  for (const k of c.clocks) {
    await db.query(
      `INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                               started_at, due_at, state, stopped_at, worked_ms, resumed_at, paused_at, paused_ms)
       VALUES ($1, $2, $3, $4, $5, 1, '24x7', $6, 75, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        k.id,
        c.kind,
        c.id,
        k.clock,
        `${c.kind}:P${c.priority}`,
        Math.round(k.targetMs / 1000),
        iso(k.startedAt),
        iso(k.dueAt),
        k.state,
        iso(k.stoppedAt),
        k.workedMs,
        iso(k.resumedAt),
        iso(k.pausedAt),
        k.pausedMs,
      ],
    );
  }
  for (const a of c.alerts) {
    await db.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, raised_at, customer_id, region)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [c.kind, c.id, caseNo, a.clock.id, a.clock.clock, a.level, iso(a.clock.dueAt), iso(a.raisedAt), c.customerId, c.region],
    );
  }
}

/** A satisfaction call-back after a ticket was closed (src/callbacks): due 48 h after the close, done, unreachable or still open. */
export interface GenCallback {
  id: string;
  caseId: string;
  caseKind: GenCase['kind'];
  region: string;
  customerId: string;
  amId: string | null;
  priority: number;
  green: boolean;
  createdAt: number;
  dueAt: number;
  state: 'pending' | 'in_progress' | 'done' | 'unreachable';
  finishedAt: number | null;
  score: number | null;
}

/**
 * The call-back of a closed fault, complaint or support request (most of
 * them): finished within 0–72 h, so some late, some after the horizon
 * (still open); reached with a score 1–5, or unreachable.
 */
export function simulateCallback(rnd: () => number, c: GenCase, horizon: number): GenCallback | null {
  if (c.state !== 'closed' || c.kind === 'inquiry' || rnd() < 0.25) return null;
  const createdAt = c.closedAt as number;
  const finished = createdAt + Math.floor(rnd() * 72 * H);
  const reached = rnd() < 0.75;
  const open = finished > horizon;
  return {
    id: randomUUID(),
    caseId: c.id,
    caseKind: c.kind,
    region: c.region,
    customerId: c.customerId,
    amId: c.amId,
    priority: c.priority,
    green: c.green,
    createdAt,
    dueAt: createdAt + 48 * H,
    state: open ? (rnd() < 0.5 ? 'pending' : 'in_progress') : reached ? 'done' : 'unreachable',
    finishedAt: open ? null : finished,
    score: !open && reached ? 1 + Math.floor(rnd() * 5) : null,
  };
}

/** The call-back's row, its case_index row (kind callback), its clock and, when it ran late, its breach alert. */
export async function insertCallback(db: DataSource, cb: GenCallback, n: number): Promise<void> {
  const no = `CB-GEN-${n}-${cb.id.slice(0, 8)}`;
  await db.query(
    `INSERT INTO callbacks (id, callback_no, case_kind, case_id, case_number, customer_id, region, priority, green_channel, selected_by,
                            state, attempts, score, due_at, finished_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'tier', $10, $11, $12, $13, $14, $15, $15)`,
    [
      cb.id,
      no,
      cb.caseKind,
      cb.caseId,
      `GEN-${cb.caseId.slice(0, 8)}`,
      cb.customerId,
      cb.region,
      cb.priority,
      cb.green,
      cb.state,
      cb.state === 'unreachable' ? 3 : cb.state === 'pending' ? 0 : 1,
      cb.score,
      iso(cb.dueAt),
      iso(cb.finishedAt),
      iso(cb.createdAt),
    ],
  );
  const open = cb.finishedAt === null;
  await db.query(
    `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
     VALUES ('callback', $1, $2, $3, $4, '报表测试回访', $5, $6, $7, $8, $9, $10)`,
    [cb.id, no, cb.customerId, cb.region, cb.state, cb.priority, cb.green, open, iso(cb.createdAt), iso(cb.finishedAt)],
  );
  const clockId = randomUUID();
  await db.query(
    `INSERT INTO sla_clocks (id, case_kind, case_id, clock, policy_key, policy_version, calendar_key, target_seconds, warn_at_percent,
                             started_at, due_at, state, stopped_at, worked_ms, resumed_at)
     VALUES ($1, 'callback', $2, 'resolution', 'callback', 0, '24x7', ${48 * 3600}, 75, $3, $4, $5, $6, $7, $8)`,
    [
      clockId,
      cb.id,
      iso(cb.createdAt),
      iso(cb.dueAt),
      open ? 'running' : 'stopped',
      iso(cb.finishedAt),
      open ? 0 : (cb.finishedAt as number) - cb.createdAt,
      open ? iso(cb.createdAt) : null,
    ],
  );
  // late: its breach was raised (these must not count among the cases' breaches)
  if ((cb.finishedAt ?? Infinity) > cb.dueAt) {
    await db.query(
      `INSERT INTO alerts (case_kind, case_id, case_no, clock_id, clock, level, due_at, raised_at, customer_id, region)
       VALUES ('callback', $1, $2, $3, 'resolution', 'breached', $4, $4, $5, $6)`,
      [cb.id, no, clockId, iso(cb.dueAt), cb.customerId, cb.region],
    );
  }
}

export interface GenOrder {
  id: string;
  customerId: string;
  region: string;
  priority: number;
  green: boolean;
  createdAt: number;
  committedAt: number;
  state: 'in_progress' | 'completed';
  closedAt: number | null;
  workOrders: { id: string; region: string; dueAt: number; closedAt: number | null }[];
}

export function simulateOrder(
  rnd: () => number,
  o: Pick<GenOrder, 'customerId' | 'region' | 'priority' | 'green' | 'createdAt'>,
  regions: string[],
  horizon: number,
): GenOrder {
  const committedAt = o.createdAt + (3 + Math.floor(rnd() * 6)) * DAY;
  const done = o.createdAt + Math.floor((1 + rnd() * 9) * DAY);
  const completed = rnd() < 0.7 && done <= horizon;
  // one work order per region (unique per order and region)
  const first = Math.floor(rnd() * regions.length);
  const wos = Array.from({ length: 1 + Math.floor(rnd() * 2) }, (_, i) => ({
    id: randomUUID(),
    region: regions[(first + i) % regions.length],
    dueAt: committedAt - Math.floor(rnd() * DAY),
    closedAt: completed ? done - Math.floor(rnd() * DAY) : null,
  }));
  return {
    ...o,
    id: randomUUID(),
    committedAt,
    state: completed ? 'completed' : 'in_progress',
    closedAt: completed ? done : null,
    workOrders: wos,
  };
}

export async function insertOrder(db: DataSource, o: GenOrder, n: number): Promise<void> {
  const caseNo = `ORD-GEN-${n}-${o.id.slice(0, 8)}`;
  await db.query(
    `INSERT INTO orders (id, case_no, customer_id, accepted_region, urgent, committed_completion_at, state, priority, green_channel, created_at, updated_at, closed_at)
     VALUES ($1, $2, $3, $4, false, $5, $6, $7, $8, $9, $9, $10)`,
    [o.id, caseNo, o.customerId, o.region, iso(o.committedAt), o.state, o.priority, o.green, iso(o.createdAt), iso(o.closedAt)],
  );
  await db.query(
    `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at, closed_at)
     VALUES ('order', $1, $2, $3, $4, '报表测试订单', $5, $6, $7, $8, $9, $10)`,
    [o.id, caseNo, o.customerId, o.region, o.state, o.priority, o.green, o.state !== 'completed', iso(o.createdAt), iso(o.closedAt)],
  );
  let i = 0;
  for (const w of o.workOrders) {
    await db.query(
      `INSERT INTO work_orders (id, case_no, order_id, customer_id, region, state, priority, green_channel, due_at, created_at, updated_at, closed_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11)`,
      [
        w.id,
        `${caseNo}-${++i}`,
        o.id,
        o.customerId,
        w.region,
        w.closedAt ? 'completed' : 'in_progress',
        o.priority,
        o.green,
        iso(w.dueAt),
        iso(o.createdAt),
        iso(w.closedAt),
      ],
    );
  }
}

export interface GenBillLine {
  id: string;
  region: string;
  amount: number;
  allocations: { at: number; amount: number; reversedAt: number | null }[];
}
export interface GenBill {
  id: string;
  customerId: string;
  issuedAt: number;
  dueDate: string;
  lines: GenBillLine[];
}
export interface GenPayment {
  id: string;
  customerId: string;
  region: string;
  amount: number;
  receivedAt: number;
  reversedAt: number | null;
}

/** A bill issued on the month's 3rd, due 15 days later; payments allocated to its lines, some reversed later. */
export function simulateBilling(
  rnd: () => number,
  customerId: string,
  month: string,
  regions: string[],
  horizon: number,
): { bill: GenBill; payments: GenPayment[] } {
  const issuedAt = Date.parse(`${month}-03T10:00:00+08:00`);
  const lines: GenBillLine[] = regions.slice(0, 1 + Math.floor(rnd() * regions.length)).map((region) => ({
    id: randomUUID(),
    region,
    amount: 10_000 + Math.floor(rnd() * 90_000),
    allocations: [],
  }));
  const payments: GenPayment[] = [];
  for (const line of lines) {
    if (rnd() < 0.35) continue; // unpaid: arrears
    const at = issuedAt + Math.floor(rnd() * 40 * DAY);
    if (at > horizon) continue;
    const amount = Math.max(1, Math.floor(line.amount * (rnd() < 0.5 ? 1 : 0.5)));
    const reversedAt = rnd() < 0.2 && at + 2 * DAY <= horizon ? at + 2 * DAY : null;
    payments.push({
      id: randomUUID(),
      customerId,
      region: regions[Math.floor(rnd() * regions.length)],
      amount,
      receivedAt: at,
      reversedAt,
    });
    line.allocations.push({ at, amount, reversedAt });
  }
  const dueDate = new Date(issuedAt + 8 * H + 15 * DAY).toISOString().slice(0, 10);
  return { bill: { id: randomUUID(), customerId, issuedAt, dueDate, lines }, payments };
}

export async function insertBilling(db: DataSource, b: GenBill, payments: GenPayment[], month: string, n: number): Promise<void> {
  const total = b.lines.reduce((s, l) => s + l.amount, 0);
  const live = (l: GenBillLine) => l.allocations.filter((a) => a.reversedAt === null).reduce((s, a) => s + a.amount, 0);
  const paid = b.lines.reduce((s, l) => s + live(l), 0);
  await db.query(
    `INSERT INTO bills (id, bill_no, customer_id, period, total_fen, paid_fen, state, charge_count, issue_date, due_date, issued_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      b.id,
      `B-GEN-${n}-${b.id.slice(0, 8)}`,
      b.customerId,
      month,
      total,
      paid,
      paid === 0 ? 'issued' : paid === total ? 'paid' : 'partially_paid',
      b.lines.length,
      new Date(b.issuedAt + 8 * H).toISOString().slice(0, 10),
      b.dueDate,
      iso(b.issuedAt),
    ],
  );
  for (const l of b.lines) {
    await db.query(
      `INSERT INTO bill_lines (id, bill_id, serving_region, amount_fen, due_fen, paid_fen, charge_count) VALUES ($1, $2, $3, $4, $4, $5, 1)`,
      [l.id, b.id, l.region, l.amount, live(l)],
    );
  }
  for (const p of payments) {
    const allocated = p.reversedAt === null ? p.amount : 0;
    await db.query(
      `INSERT INTO payments (id, customer_id, amount_fen, allocated_fen, collected_region, method, received_at, reversed_at, reversal_reason)
       VALUES ($1, $2, $3, $4, $5, 'bank_transfer', $6, $7, $8)`,
      [p.id, p.customerId, p.amount, allocated, p.region, iso(p.receivedAt), iso(p.reversedAt), p.reversedAt ? '退票' : null],
    );
  }
  for (const l of b.lines) {
    for (const a of l.allocations) {
      const p = payments.find((x) => x.receivedAt === a.at && x.amount === a.amount && x.customerId === b.customerId)!;
      await db.query(
        `INSERT INTO payment_allocations (payment_id, bill_id, bill_line_id, amount_fen, allocated_at, reversed_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [p.id, b.id, l.id, a.amount, iso(a.at), iso(a.reversedAt)],
      );
    }
  }
}
