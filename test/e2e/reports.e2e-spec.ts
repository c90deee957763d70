import ExcelJS from 'exceljs';
import { randomUUID } from 'node:crypto';
import type { Response } from 'superagent';
import { figuresFromRawTables } from '../../src/reports/kpi-definitions.repository';
import { FIGURES, type Figures, KPIS, kpiValues } from '../../src/reports/report-kpis';
import { addDays, monthEnd, windowOf } from '../../src/reports/report-window';
import {
  type GenBill,
  type GenCallback,
  type GenCase,
  type GenOrder,
  type GenPayment,
  insertBilling,
  insertCallback,
  insertCase,
  insertOrder,
  prng,
  simulateBilling,
  simulateCallback,
  simulateCase,
  simulateOrder,
} from '../support/report-histories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/*
 * Reports against generated months (issue 14, points 1-3): random case
 * histories (pauses, reopenings, cancellations, breaches and escalations),
 * orders, bills and payments are written into the tables, the months are
 * rebuilt through the API, and every KPI the reports answer is compared with
 * (1) the same KPI recomputed here from the generated histories, in
 * TypeScript, and (2) the definition of each figure run over the raw tables
 * (kpi-definitions.repository.ts). Then formats, roles and region scope, and
 * the idempotence of a rebuild.
 */

const REGIONS = ['440106', '440305', '110105']; // 天河区 (广州), 南山区 (深圳), 朝阳区 (北京)
const MONTHS = ['2025-01', '2025-02', '2025-03']; // one seed each
const DAY = 86_400_000;
const ms = (iso: string) => Date.parse(iso);
/** A supertest parser that keeps a binary answer (CSV with its BOM, XLSX) as the bytes it was. */
const binary = (res: Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

interface World {
  cases: GenCase[];
  callbacks: GenCallback[];
  orders: GenOrder[];
  bills: GenBill[];
  payments: GenPayment[];
}

/** percentile_disc(0.9): the first value whose cumulative share reaches 90 %. */
const p90 = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.ceil(0.9 * xs.length) - 1] : null);

/** The figures of a period recomputed from the histories (what the reports must answer). */
function oracle(w: World, from: string, to: string, prefixes: string[], amId?: string): Figures {
  const win = windowOf(from, to);
  const s = ms(win.start);
  const e = ms(win.end);
  const inRegion = (r: string) => prefixes.some((p) => r.startsWith(p));
  const mine = (x: { amId?: string | null }) => amId === undefined || x.amId === amId;
  const inW = (t: number | null) => t !== null && t >= s && t < e;
  const f = Object.fromEntries(FIGURES.map((k) => [k, 0])) as Figures;
  const add = (k: keyof Figures, v = 1) => (f[k] = (f[k] ?? 0) + v);
  const indexed = [
    ...w.cases,
    ...w.orders.map((o) => ({
      ...o,
      kind: 'order',
      openedAt: o.createdAt,
      amId: amOf(w, o.customerId),
      clocks: [],
      alerts: [],
      score: null,
    })),
  ].filter((c) => inRegion(c.region) && mine(c));
  const resp: { el: number; wk: number }[] = [];
  const reso: { el: number; wk: number }[] = [];
  for (const c of indexed) {
    if (inW(c.openedAt)) add('opened');
    if (inW(c.closedAt)) add('closed');
    if (c.openedAt < e && (c.closedAt === null || c.closedAt >= e)) {
      add('open_eod');
      const age = e - c.openedAt;
      add(age < DAY ? 'aging_0_1' : age < 3 * DAY ? 'aging_1_3' : age < 7 * DAY ? 'aging_3_7' : 'aging_7_plus');
    }
    if (['fault', 'complaint', 'support'].includes(c.kind) && c.state === 'closed' && inW(c.closedAt)) {
      add('csat_closed');
      if (c.score !== null) {
        add('csat_answered');
        add('csat_sum', c.score);
        add(`csat_${c.score}` as keyof Figures);
      }
    }
    if (!['cancelled', 'rejected'].includes(c.state)) {
      for (const k of (c as GenCase).clocks) {
        if (k.state !== 'stopped' || !inW(k.stoppedAt)) continue;
        const met = (k.stoppedAt as number) <= k.dueAt;
        const d = { el: (k.stoppedAt as number) - c.openedAt, wk: k.workedMs };
        if (k.clock === 'response') {
          add('response_ended');
          if (met) add('response_met');
          resp.push(d);
        } else {
          add('resolution_ended');
          if (met) add('resolution_met');
          reso.push(d);
        }
      }
    }
    for (const a of (c as GenCase).alerts) {
      if (!inW(a.raisedAt)) continue;
      add(a.level === 'breached' ? 'breaches' : 'escalations');
    }
  }
  // call-backs: their own figures only (their index rows, clocks and alerts are no case's)
  for (const cb of w.callbacks) {
    if (!inRegion(cb.region) || !mine(cb)) continue;
    if (inW(cb.createdAt)) add('callbacks_created');
    if (!inW(cb.finishedAt)) continue;
    add(cb.state === 'done' ? 'callbacks_done' : 'callbacks_unreachable');
    if ((cb.finishedAt as number) <= cb.dueAt) add('callbacks_on_time');
    if (cb.state === 'done') {
      add('callbacks_score_sum', cb.score as number);
      if ((cb.score as number) <= 2) add('callbacks_low_score');
    }
  }
  f.mtta_n = resp.length;
  f.mtta_sum_ms = resp.reduce((x, d) => x + d.el, 0);
  f.mtta_working_sum_ms = resp.reduce((x, d) => x + d.wk, 0);
  f.mtta_p90_ms = p90(resp.map((d) => d.el));
  f.mtta_working_p90_ms = p90(resp.map((d) => d.wk));
  f.mttr_n = reso.length;
  f.mttr_sum_ms = reso.reduce((x, d) => x + d.el, 0);
  f.mttr_working_sum_ms = reso.reduce((x, d) => x + d.wk, 0);
  f.mttr_p90_ms = p90(reso.map((d) => d.el));
  f.mttr_working_p90_ms = p90(reso.map((d) => d.wk));
  for (const o of w.orders) {
    const am = amOf(w, o.customerId);
    if (amId !== undefined && am !== amId) continue;
    if (inRegion(o.region)) {
      if (inW(o.createdAt)) add('orders_accepted');
      if (o.state === 'completed' && inW(o.closedAt)) {
        add('orders_completed');
        if ((o.closedAt as number) <= o.committedAt) add('orders_on_time');
        add('orders_lead_time_ms', (o.closedAt as number) - o.createdAt);
      }
    }
    for (const wo of o.workOrders) {
      if (!inRegion(wo.region) || !inW(wo.closedAt)) continue;
      add('work_orders_completed');
      if ((wo.closedAt as number) <= wo.dueAt) add('work_orders_on_time');
    }
  }
  for (const b of w.bills) {
    const am = amOf(w, b.customerId);
    if (amId !== undefined && am !== amId) continue;
    for (const l of b.lines) {
      if (!inRegion(l.region)) continue;
      if (inW(b.issuedAt)) add('billed_fen', l.amount);
      const late = Math.round((ms(`${to}T00:00:00Z`) - ms(`${b.dueDate}T00:00:00Z`)) / DAY);
      if (b.issuedAt >= e || late < 1) continue;
      const owed =
        l.amount - l.allocations.filter((a) => a.at < e && (a.reversedAt === null || a.reversedAt >= e)).reduce((x, a) => x + a.amount, 0);
      if (owed > 0)
        add(
          late <= 30 ? 'arrears_0_30_fen' : late <= 60 ? 'arrears_31_60_fen' : late <= 90 ? 'arrears_61_90_fen' : 'arrears_90_plus_fen',
          owed,
        );
    }
  }
  for (const p of w.payments) {
    if (!inRegion(p.region) || (amId !== undefined && amOf(w, p.customerId) !== amId)) continue;
    if (inW(p.receivedAt)) add('collected_fen', p.amount);
    if (inW(p.reversedAt)) add('collected_fen', -p.amount);
  }
  return f;
}

const amByCustomer = new Map<string, string | null>();
const amOf = (_w: World, customerId: string) => amByCustomer.get(customerId) ?? null;

describe('reports: KPIs from the rollups of generated months', () => {
  let t: TestApp;
  let director: StaffLogin;
  let bjDirector: StaffLogin;
  let agent: StaffLogin;
  let managers: StaffLogin[];
  const world: World = { cases: [], callbacks: [], orders: [], bills: [], payments: [] };

  const api = async (who: StaffLogin, path: string, status = 200) => {
    const res = await t.http().get(`/api/v1${path}`).set(bearer(who));
    if (res.status !== status) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  };
  const rebuild = async (from: string, to: string) => {
    const res = await t.http().post('/api/v1/reports/rebuild').set(bearer(t.admin)).set('idempotency-key', randomUUID()).send({ from, to });
    expect(res.status).toBe(202);
    const id = res.body.id as string;
    return waitFor(
      async () => {
        const r = await api(t.admin, `/reports/rebuild/${id}`);
        if (r.body.state === 'failed') throw new Error(`rebuild failed: ${r.body.error}`);
        return r.body.state === 'done' ? r.body : null;
      },
      120_000,
      `rebuild ${from}..${to}`,
    );
  };

  beforeAll(async () => {
    t = await startTestApp();
    director = await t.staff(['director'], ['440000']);
    bjDirector = await t.staff(['director'], ['110000']);
    agent = await t.staff(['agent'], ['440000']);
    managers = [await t.staff(['account_manager'], ['440000']), await t.staff(['account_manager'], ['440000'])];
    const db = t.dataSource;
    const customers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const id = randomUUID();
      const am = i < 4 ? managers[i % 2].id : null;
      await db.query(
        `INSERT INTO customers (id, customer_no, name, credit_code, tier, industry, home_region, account_manager_id)
         VALUES ($1, $2, $3, $4, 'key', '政务', $5, $6)`,
        [id, `CGEN${Date.now()}${i}`, `报表测试客户${i}`, `91440101MA${String(Date.now()).slice(-7)}${i}`, REGIONS[i % 3], am],
      );
      await db.query(`INSERT INTO billing_accounts (customer_id) VALUES ($1)`, [id]);
      customers.push(id);
      amByCustomer.set(id, am);
    }
    let n = 0;
    for (const [seed, month] of MONTHS.entries()) {
      const rnd = prng(seed + 1);
      const start = ms(`${month}-01T00:00:00+08:00`);
      const horizon = ms(`${addDays(monthEnd(month), 3)}T00:00:00+08:00`);
      for (let i = 0; i < 70; i++) {
        const customerId = customers[Math.floor(rnd() * customers.length)];
        const c = simulateCase(
          rnd,
          {
            id: randomUUID(),
            kind: (['fault', 'complaint', 'support', 'inquiry'] as const)[Math.floor(rnd() * 4)],
            region: REGIONS[Math.floor(rnd() * 3)],
            customerId,
            amId: amByCustomer.get(customerId) ?? null,
            priority: 1 + Math.floor(rnd() * 4),
            green: rnd() < 0.15,
            openedAt: start + Math.floor(rnd() * 28 * DAY),
          },
          horizon,
        );
        world.cases.push(c);
        await insertCase(db, c, ++n);
        const cb = simulateCallback(rnd, c, horizon);
        if (cb) {
          world.callbacks.push(cb);
          await insertCallback(db, cb, ++n);
        }
      }
      for (let i = 0; i < 12; i++) {
        const o = simulateOrder(
          rnd,
          {
            customerId: customers[Math.floor(rnd() * customers.length)],
            region: REGIONS[Math.floor(rnd() * 3)],
            priority: 3,
            green: rnd() < 0.2,
            createdAt: start + Math.floor(rnd() * 27 * DAY),
          },
          REGIONS,
          horizon,
        );
        world.orders.push(o);
        await insertOrder(db, o, ++n);
      }
      for (const customerId of customers) {
        const { bill, payments } = simulateBilling(rnd, customerId, month, REGIONS, horizon);
        world.bills.push(bill);
        world.payments.push(...payments);
        await insertBilling(db, bill, payments, month, ++n);
      }
    }
    await rebuild('2025-01-01', '2025-04-02');
  }, 300_000);

  afterAll(async () => {
    await t?.close();
  });

  const expectKpis = (body: { kpis: { key: string; value: number | null }[] }, expected: Figures, what: string) => {
    const want = kpiValues(expected);
    const got = Object.fromEntries(body.kpis.map((k) => [k.key, k.value]));
    expect({ what, ...got }).toEqual({ what, ...want });
  };

  it('answers every KPI of each month and of sampled days as recomputed from the histories and as defined over the raw tables', async () => {
    // the histories hold call-backs of every outcome, on time and late, and low scores
    const states = new Set(world.callbacks.map((c) => (c.finishedAt === null ? 'open' : c.state)));
    expect([...states].sort()).toEqual(['done', 'open', 'unreachable']);
    expect(world.callbacks.some((c) => c.finishedAt !== null && c.finishedAt > c.dueAt)).toBe(true);
    expect(world.callbacks.some((c) => c.score !== null && c.score <= 2)).toBe(true);
    for (const month of MONTHS) {
      const monthly = await api(t.admin, `/reports/monthly?month=${month}&region=CN`);
      expect(monthly.body.daysBuilt).toBe(Number(monthEnd(month).slice(8)));
      expectKpis(monthly.body, oracle(world, `${month}-01`, monthEnd(month), ['']), `month ${month}`);
      const raw = await figuresFromRawTables(t.dataSource.manager, { patterns: ['%'] }, windowOf(`${month}-01`, monthEnd(month)));
      expectKpis(monthly.body, raw, `month ${month} (raw tables)`);
      for (const day of [`${month}-01`, `${month}-09`, `${month}-17`, `${month}-28`]) {
        const daily = await api(t.admin, `/reports/daily?date=${day}&region=CN`);
        expectKpis(daily.body, oracle(world, day, day, ['']), `day ${day}`);
        const before = daily.body.kpis.find((k: { key: string }) => k.key === 'cases_opened');
        // the day before the first built day was never built: no previous figure rather than a zero
        const previous = day === '2025-01-01' ? null : kpiValues(oracle(world, addDays(day, -1), addDays(day, -1), [''])).cases_opened;
        expect(before.previous).toBe(previous);
      }
    }
    // the changes against the previous month
    const feb = await api(t.admin, '/reports/monthly?month=2025-02&region=CN');
    const jan = kpiValues(oracle(world, '2025-01-01', '2025-01-31', ['']));
    for (const k of feb.body.kpis) expect([k.key, k.previous]).toEqual([k.key, jan[k.key]]);
  });

  it('rolls regions up with their names and cuts by kind, priority, green channel and account manager', async () => {
    const gd = await api(director, '/reports/monthly?month=2025-02&region=440000');
    expect(gd.body.region).toEqual({ code: '440000', name: '广东省', level: 'province' });
    expectKpis(gd.body, oracle(world, '2025-02-01', '2025-02-28', ['44']), 'Guangdong');
    const rows = gd.body.byRegion as { key: string; name: string; kpis: Record<string, number | null> }[];
    expect(rows.map((r) => [r.key, r.name])).toEqual([
      ['440100', '广州市'],
      ['440300', '深圳市'],
    ]);
    expect(rows[0].kpis).toEqual(kpiValues(oracle(world, '2025-02-01', '2025-02-28', ['4401'])));
    // a cut: one account manager's customers
    const am = await api(director, `/reports/monthly?month=2025-02&region=440000&accountManagerId=${managers[0].id}`);
    expectKpis(am.body, oracle(world, '2025-02-01', '2025-02-28', ['44'], managers[0].id), 'one account manager');
    // kind and priority rows add up to the total
    const opened = (r: { kpis: Record<string, number | null> }) => r.kpis.cases_opened ?? 0;
    const total = gd.body.kpis.find((k: { key: string }) => k.key === 'cases_opened').value;
    expect(gd.body.byKind.reduce((s: number, r: { kpis: Record<string, number | null> }) => s + opened(r), 0)).toBe(total);
    expect(gd.body.byPriority.reduce((s: number, r: { kpis: Record<string, number | null> }) => s + opened(r), 0)).toBe(total);
    const cut = await api(director, '/reports/monthly?month=2025-02&region=440000&kind=fault&priority=2&greenChannel=false');
    const raw = await figuresFromRawTables(
      t.dataSource.manager,
      { patterns: ['44%'], kind: 'fault', priority: 2, greenChannel: false },
      windowOf('2025-02-01', '2025-02-28'),
    );
    expectKpis(cut.body, raw, 'fault P2 not green');
    // the call-backs alone (kind callback): none of the case figures, all of theirs
    const callbacks = await api(director, '/reports/monthly?month=2025-02&region=440000&kind=callback');
    const rawCallbacks = await figuresFromRawTables(
      t.dataSource.manager,
      { patterns: ['44%'], kind: 'callback' },
      windowOf('2025-02-01', '2025-02-28'),
    );
    expectKpis(callbacks.body, rawCallbacks, 'call-backs');
    const only = Object.fromEntries(callbacks.body.kpis.map((k: { key: string; value: number | null }) => [k.key, k.value]));
    expect(only.cases_opened).toBe(0);
    expect(only.breaches).toBe(0);
    expect(only.callbacks_done).toBe(kpiValues(oracle(world, '2025-02-01', '2025-02-28', ['44'])).callbacks_done);
    expect(only.callbacks_done).toBeGreaterThan(0);
  });

  it('writes CSV with a BOM and XLSX whose numbers equal the JSON', async () => {
    const json = await api(director, '/reports/monthly?month=2025-03&region=440000');
    const csv = await t
      .http()
      .get('/api/v1/reports/monthly?month=2025-03&region=440000')
      .set(bearer(director))
      .set('accept', 'text/csv')
      .buffer(true)
      .parse(binary);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    const bytes = csv.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain('响应及时率%');
    const line = text.split('\r\n').find((l) => l.startsWith('cases_opened,'))!;
    expect(line.split(',')[3]).toBe(String(json.body.kpis.find((k: { key: string }) => k.key === 'cases_opened').value));

    const xlsx = await t
      .http()
      .get('/api/v1/reports/monthly?month=2025-03&region=440000&format=xlsx')
      .set(bearer(director))
      .buffer(true)
      .parse(binary);
    expect(xlsx.status).toBe(200);
    const book = new ExcelJS.Workbook();
    const body: ArrayBuffer = xlsx.body;
    await book.xlsx.load(body);
    expect(book.worksheets.map((s) => s.name)).toEqual(['KPIs', 'By region', 'By kind', 'By priority', 'By green channel']);
    const sheet = book.getWorksheet('KPIs')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const read: Record<string, unknown> = {};
    sheet.eachRow((row, i) => {
      if (i > 1) read[row.getCell(1).text] = row.getCell(4).value ?? null;
    });
    expect(read).toEqual(Object.fromEntries(json.body.kpis.map((k: { key: string; value: number | null }) => [k.key, k.value])));
    const regions = book.getWorksheet('By region')!;
    const col = KPIS.findIndex((k) => k.key === 'resolution_met_pct') + 3;
    expect(regions.getRow(2).getCell(col).value).toBe(json.body.byRegion[0].kpis.resolution_met_pct);
  });

  it('prints an HTML report whose four charts are SVG drawn on the server', async () => {
    const res = await t.http().get('/api/v1/reports/monthly?month=2025-02&region=440000').set(bearer(director)).set('accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    // a page a browser renders gets helmet's full policy, not the JSON API's (issue 15)
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    const html = res.text;
    expect(html).toContain('月报 2025-02-01 ~ 2025-02-28 · 广东省');
    for (const id of ['sla-by-region', 'opened-closed-trend', 'backlog-aging', 'csat-distribution']) {
      const figure = new RegExp(`<figure id="${id}">.*?</figure>`, 's').exec(html)?.[0] ?? '';
      expect([id, /<svg [^>]*width="640"/.test(figure), /<path /.test(figure)]).toEqual([id, true, true]);
    }
    expect(html).not.toContain('<script');
    const daily = await t.http().get('/api/v1/reports/daily?date=2025-02-10&region=440000&format=html').set(bearer(director));
    expect(daily.status).toBe(200);
    expect(daily.text).toContain('日报 2025-02-10');
  });

  it('writes the scorecard as XLSX whose numbers equal the JSON, and as a printable page with a table per account manager', async () => {
    const json = await api(director, '/reports/account-managers?month=2025-02&region=440000');
    expect(json.body.items.length).toBeGreaterThanOrEqual(2);
    const xlsx = await t
      .http()
      .get('/api/v1/reports/account-managers?month=2025-02&region=440000')
      .set(bearer(director))
      .set('accept', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
      .buffer(true)
      .parse(binary);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-disposition']).toContain('account-managers-2025-02-440000.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Account managers']);
    const sheet = book.getWorksheet('Account managers')!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    // the header names each column's JSON field last ("超时次数 breaches"): read the sheet back into JSON rows by it
    const keys = (sheet.getRow(1).values as (string | undefined)[]).slice(1).map((h) => String(h).split(' ').pop()!);
    const read: Record<string, unknown>[] = [];
    sheet.eachRow((row, i) => {
      if (i > 1) read.push(Object.fromEntries(keys.map((k, c) => [k, row.getCell(c + 1).value ?? null])));
    });
    expect(read).toEqual(json.body.items);
    expect(read.some((r) => typeof r.breaches === 'number' && r.breaches > 0)).toBe(true);

    const html = await t
      .http()
      .get('/api/v1/reports/account-managers?month=2025-02&region=440000')
      .set(bearer(director))
      .set('accept', 'text/html');
    expect(html.status).toBe(200);
    expect(html.headers['content-type']).toMatch(/^text\/html/);
    expect(html.text).toContain('客户经理绩效 2025-02 · 广东省');
    expect(html.text).not.toContain('<script');
    for (const id of ['breaches-by-manager', 'csat-by-manager']) {
      const figure = new RegExp(`<figure id="${id}">.*?</figure>`, 's').exec(html.text)?.[0] ?? '';
      expect([id, /<svg /.test(figure), /<path /.test(figure)]).toEqual([id, true, true]);
    }
    for (const item of json.body.items as { accountManagerId: string; breaches: number }[]) {
      const section = new RegExp(`<section class="manager" data-account-manager-id="${item.accountManagerId}">.*?</section>`, 's').exec(
        html.text,
      )?.[0];
      expect(section).toContain(`<td>超时次数</td><td class="n">${item.breaches}</td>`);
    }
    // an account manager's page holds their own table only
    const own = await t.http().get('/api/v1/reports/account-managers?month=2025-02&region=440000&format=html').set(bearer(managers[0]));
    expect(own.status).toBe(200);
    expect(own.text.match(/<section class="manager"/g)?.length).toBe(1);
    expect(own.text).toContain(`data-account-manager-id="${managers[0].id}"`);
  });

  it('keeps agents out and each director to their regions; account managers see their own scorecard', async () => {
    await api(agent, '/reports/daily?date=2025-02-03', 403);
    await api(agent, '/reports/account-managers?month=2025-02', 403);
    const bad = await api(bjDirector, '/reports/monthly?month=2025-02&region=440000', 403);
    expect(bad.body.code).toBe('REPORT_REGION_OUT_OF_SCOPE');
    await api(bjDirector, '/reports/monthly?month=2025-02&region=CN', 403);
    // by default, a director's one region: Beijing holds nothing of Guangdong
    const bj = await api(bjDirector, '/reports/monthly?month=2025-02');
    expect(bj.body.region.code).toBe('110000');
    expectKpis(bj.body, oracle(world, '2025-02-01', '2025-02-28', ['11']), 'Beijing');
    expect(bj.body.byRegion.map((r: { key: string }) => r.key)).toEqual(['110100']);

    const all = await api(director, '/reports/account-managers?month=2025-02&region=440000');
    const ids = all.body.items.map((i: { accountManagerId: string }) => i.accountManagerId);
    expect(ids).toEqual(expect.arrayContaining(managers.map((m) => m.id)));
    const own = await api(managers[0], '/reports/account-managers?month=2025-02&region=440000');
    expect(own.body.items.map((i: { accountManagerId: string }) => i.accountManagerId)).toEqual([managers[0].id]);
    const f = oracle(world, '2025-02-01', '2025-02-28', ['44'], managers[0].id);
    expect(own.body.items[0]).toMatchObject({
      casesOpened: f.opened,
      breaches: f.breaches,
      callbacksDone: f.callbacks_done,
      callbacksLowScore: f.callbacks_low_score,
      callbacksCsatAverage: kpiValues(f).callbacks_csat_average,
      csatOverallAverage: kpiValues(f).csat_overall_average,
      collectedFen: f.collected_fen,
      arrearsFen: (f.arrears_0_30_fen ?? 0) + (f.arrears_31_60_fen ?? 0) + (f.arrears_61_90_fen ?? 0) + (f.arrears_90_plus_fen ?? 0),
    });
  });

  it('replaces a day when it is rebuilt, and publishes report.daily_ready for each finished day', async () => {
    const before = await api(t.admin, '/reports/monthly?month=2025-02&region=CN');
    await rebuild('2025-02-01', '2025-02-28');
    const after = await api(t.admin, '/reports/monthly?month=2025-02&region=CN');
    expect({ ...after.body, builtAt: null }).toEqual({ ...before.body, builtAt: null });
    const [{ n }] = await t.dataSource.query(`SELECT count(*)::int AS n FROM report_daily_cases WHERE day = '2025-02-10'`);
    const [{ m }] = await t.dataSource.query(
      `SELECT count(*)::int AS m FROM (SELECT DISTINCT region, kind, priority, green_channel, account_manager_id FROM report_daily_cases WHERE day = '2025-02-10') x`,
    );
    expect(n).toBe(m); // one row per grain: the rebuild replaced the day, it did not add to it
    const events = await t.dataSource.query(
      `SELECT data FROM outbox_events WHERE type = 'report.daily_ready' AND data->>'date' = '2025-02-10'`,
    );
    expect(events.length).toBe(2);
    expect(events[0].data).toMatchObject({ date: '2025-02-10', rebuild: true });
  });

  it('answers a month again from the rollups as soon as a day of it is rebuilt (a kept view lasts only while its rollups do)', async () => {
    const path = '/reports/monthly?month=2025-03&region=440000';
    const opened = (body: { kpis: { key: string; value: number | null }[] }) => body.kpis.find((k) => k.key === 'cases_opened')!.value;
    const before = await api(director, path);
    const xlsx = async () =>
      (await t.http().get(`/api/v1${path}&format=xlsx`).set(bearer(director)).buffer(true).parse(binary)).body as Buffer;
    const xlsxBefore = await xlsx();
    expect((await api(director, path)).body).toEqual(before.body);
    // a late case on 10 March, then that day rebuilt: the month shows it at once, in every format
    const late = simulateCase(
      prng(99),
      {
        id: randomUUID(),
        kind: 'fault',
        region: '440106',
        customerId: world.cases[0].customerId,
        amId: world.cases[0].amId,
        priority: 2,
        green: false,
        openedAt: ms('2025-03-10T09:00:00+08:00'),
      },
      ms('2025-03-10T09:00:00+08:00'),
    );
    await insertCase(t.dataSource, late, 9_999);
    await rebuild('2025-03-10', '2025-03-10');
    const after = await api(director, path);
    expect(opened(after.body)).toBe((opened(before.body) ?? 0) + 1);
    expect(after.body.builtAt).not.toBe(before.body.builtAt);
    expect(Buffer.compare(await xlsx(), xlsxBefore)).not.toBe(0);
    // and back
    for (const table of ['alerts', 'sla_clocks']) await t.dataSource.query(`DELETE FROM ${table} WHERE case_id = $1`, [late.id]);
    await t.dataSource.query(`DELETE FROM faults WHERE id = $1`, [late.id]);
    await t.dataSource.query(`DELETE FROM case_index WHERE id = $1`, [late.id]);
    await rebuild('2025-03-10', '2025-03-10');
    expect(opened((await api(director, path)).body)).toBe(opened(before.body));
  });

  it('builds today on request and refuses the future', async () => {
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const res = await api(director, `/reports/daily?date=${today}&region=440000`);
    expect(res.body.partial).toBe(true);
    await api(director, `/reports/daily?date=${addDays(today, 1)}&region=440000`, 400);
    await api(director, '/reports/daily?date=2024-06-01&region=440000', 404);
  });
});
