import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium, type Browser } from 'playwright-core';
import { addDays, monthEnd } from '../../src/reports/report-window';
import { insertBilling, insertCase, prng, simulateBilling, simulateCase } from '../support/report-histories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';

/*
 * The printable report in a real browser: Debian's `chromium` (installed by
 * .ci/run when missing; CHROMIUM_PATH overrides where it is), driven by
 * playwright-core. The page is served with the API's own headers (its CSP
 * included), every chart must have drawn a non-empty SVG, the console must
 * stay free of errors, and a screenshot is kept in test/output/.
 */

const CHROMIUM =
  process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? '/usr/bin/chromium';
const OUTPUT = join(__dirname, '..', 'output');
const MONTH = '2025-05';
const REGIONS = ['440106', '440305'];

describe('the printable report in headless Chromium', () => {
  let t: TestApp;
  let director: StaffLogin;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    director = await t.staff(['director'], ['440000']);
    const manager = await t.staff(['account_manager'], ['440000']);
    const customerId = randomUUID();
    await t.dataSource.query(
      `INSERT INTO customers (id, customer_no, name, credit_code, tier, industry, home_region, account_manager_id)
       VALUES ($1, $2, '浏览器测试客户', $3, 'key', '政务', '440106', $4)`,
      [customerId, `CBRW${Date.now()}`, `91440101MA${String(Date.now()).slice(-8)}`, manager.id],
    );
    await t.dataSource.query(`INSERT INTO billing_accounts (customer_id) VALUES ($1)`, [customerId]);
    const rnd = prng(42);
    const start = Date.parse(`${MONTH}-01T00:00:00+08:00`);
    const horizon = Date.parse(`${addDays(monthEnd(MONTH), 1)}T00:00:00+08:00`);
    for (let i = 0; i < 40; i++) {
      const c = simulateCase(
        rnd,
        {
          id: randomUUID(),
          kind: (['fault', 'complaint', 'support'] as const)[i % 3],
          region: REGIONS[i % 2],
          customerId,
          amId: null,
          priority: 1 + (i % 4),
          green: false,
          openedAt: start + Math.floor(rnd() * 28 * 86_400_000),
        },
        horizon,
      );
      await insertCase(t.dataSource, c, i);
    }
    const { bill, payments } = simulateBilling(rnd, customerId, MONTH, REGIONS, horizon);
    await insertBilling(t.dataSource, bill, payments, MONTH, 1);
    const res = await t
      .http()
      .post('/api/v1/reports/rebuild')
      .set(bearer(t.admin))
      .set('idempotency-key', randomUUID())
      .send({ from: `${MONTH}-01`, to: monthEnd(MONTH) });
    expect(res.status).toBe(202);
    await waitFor(
      async () => (await t.http().get(`/api/v1/reports/rebuild/${res.body.id}`).set(bearer(t.admin))).body.state === 'done',
      120_000,
      'the rebuild',
    );
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens a page the API served, as it served it (the same body and headers: content type, CSP), from a trustworthy origin so COOP applies. */
  const open = async (path: string, name: string, charts: string[]) => {
    const res = await t.http().get(path).set(bearer(director));
    expect(res.status).toBe(200);
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const headers = Object.fromEntries(
      Object.entries(res.headers as Record<string, string>).filter(([k]) => !['content-length', 'transfer-encoding'].includes(k)),
    );
    await page.route('http://localhost/reports/**', (route) => route.fulfill({ status: 200, headers, body: res.text }));
    await page.goto(`http://localhost/reports/${name}`);
    for (const id of charts) {
      const svg = page.locator(`#${id} svg`);
      expect([id, await svg.count()]).toEqual([id, 1]);
      const box = await svg.boundingBox();
      expect([id, (box?.width ?? 0) > 100 && (box?.height ?? 0) > 100]).toEqual([id, true]);
      const shapes = await page.locator(`#${id} svg path`).count();
      expect([id, shapes > 3]).toEqual([id, true]);
    }
    mkdirSync(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, `reports-${name}-${MONTH}.png`), fullPage: true });
    return { page, errors };
  };

  it('renders every chart as a non-empty SVG without console errors, and keeps a screenshot', async () => {
    const { page, errors } = await open(`/api/v1/reports/monthly?month=${MONTH}&region=440000&format=html`, 'monthly', [
      'sla-by-region',
      'opened-closed-trend',
      'backlog-aging',
      'csat-distribution',
    ]);
    expect(await page.locator('h1').textContent()).toContain('月报');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('renders the scorecard: its charts as non-empty SVG, a table per account manager, no console errors, a screenshot', async () => {
    const { page, errors } = await open(`/api/v1/reports/account-managers?month=${MONTH}&region=440000&format=html`, 'account-managers', [
      'breaches-by-manager',
      'csat-by-manager',
    ]);
    expect(await page.locator('h1').textContent()).toContain('客户经理绩效');
    const tables = page.locator('section.manager table');
    expect(await tables.count()).toBe(1);
    // the manager's 40 cases were opened in the month: the table shows them
    const opened = page.locator('section.manager tr', { hasText: '新建工单' }).locator('td.n');
    expect(Number(await opened.textContent())).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
