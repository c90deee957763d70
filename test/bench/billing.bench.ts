/**
 * Billing benchmark (issue 5):
 *
 *   npm run bench:billing
 *
 * 1. Drops and recreates a dedicated database (BENCH_DATABASE_URL, default
 *    postgres://postgres@127.0.0.1:5432/focus_one_bench_billing; its name must contain "bench")
 *    and starts the built server (API and workers, as `npm start`).
 * 2. Loads BENCH_CUSTOMERS (10,000) customers straight into PostgreSQL (INSERT … SELECT FROM unnest).
 * 3. Posts BENCH_CHARGES_PER_CUSTOMER (20) charges per customer across 5 serving regions through
 *    POST /api/v1/billing/charges:batch, 10,000 per request, BENCH_BATCH_CLIENTS (2) requests at a time:
 *    charges/s ingested.
 * 4. Starts one bill run for the period and polls it until it completes: the run's total time and bills/s.
 *    Checks one bill per customer, 5 lines each, and that the bills add up to the charges exactly.
 * 5. POST /api/v1/payments under BENCH_CONNECTIONS (20) concurrent clients for BENCH_DURATION (10) s,
 *    BENCH_RUNS (3) times, beside GET /health/live as the yardstick: payments/s. Then checks that no
 *    bill line or payment is over-allocated.
 * 6. Prints a markdown report and writes it to test/bench/results/billing-<timestamp>.md.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import type { LoadResult } from './harness';
import {
  api,
  benchCreditCode,
  benchDatabaseUrl,
  envInt,
  load,
  machine,
  median,
  deleteQueueKeys,
  dropDatabase,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const CUSTOMERS = envInt('BENCH_CUSTOMERS', 10_000);
const PER_CUSTOMER = envInt('BENCH_CHARGES_PER_CUSTOMER', 20);
const BATCH = envInt('BENCH_BATCH', 10_000);
const BATCH_CLIENTS = envInt('BENCH_BATCH_CLIENTS', 2);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 20);
const DURATION = envInt('BENCH_DURATION', 10);
const RUNS = envInt('BENCH_RUNS', 3);

const SERVING = ['440605', '440106', '440305', '110105', '310115'];
const HOMES = ['440605', '440604', '440106', '440305', '110105', '310115'];
const PERIOD = '2026-10';

async function loadCustomers(db: Client): Promise<string[]> {
  const n = [...Array(CUSTOMERS).keys()];
  const rows = await db.query(
    `INSERT INTO customers (name, credit_code, tier, industry, home_region)
     SELECT n, cc, 'key', 'manufacturing', h FROM unnest($1::text[], $2::text[], $3::text[]) AS t(n, cc, h)
     RETURNING id`,
    [n.map((i) => `计费基准客户${i}号有限公司`), n.map(benchCreditCode), n.map((i) => HOMES[i % HOMES.length])],
  );
  // A region bills only customers it serves: every customer has a site in each serving region.
  await db.query(
    `INSERT INTO customer_sites (customer_id, name, region, address)
     SELECT c.id, '基准站点' || r, r, '基准地址' FROM unnest($1::uuid[]) AS c(id), unnest($2::text[]) AS r`,
    [rows.rows.map((r: { id: string }) => r.id), SERVING],
  );
  await db.query('VACUUM ANALYZE customers');
  await db.query('VACUUM ANALYZE customer_sites');
  return rows.rows.map((r: { id: string }) => r.id);
}

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_billing');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    const password = 'bench-billing-password-1';
    await api(server.url, admin, 'POST', '/api/v1/staff', {
      username: 'billing.cn',
      password,
      displayName: '计费中心',
      roles: ['billing'],
      regions: ['CN'],
    });
    const billing = await token(server.url, 'billing.cn', password);

    console.log(`loading ${CUSTOMERS} customers (${machine()})…`);
    const customers = await loadCustomers(db);

    // ---- charges through the batch API
    const total = CUSTOMERS * PER_CUSTOMER;
    let expectedFen = 0n;
    const charge = (k: number) => {
      const customerId = customers[k % CUSTOMERS];
      const amountFen = 10_000 + ((k * 7919) % 990_000); // 100.00 to 10,000.00 yuan
      expectedFen += BigInt(amountFen);
      return {
        customerId,
        serviceRegion: SERVING[Math.floor(k / CUSTOMERS) % SERVING.length],
        period: PERIOD,
        kind: k % 4 === 0 ? 'usage' : 'recurring',
        amountFen,
        description: '基准测试月租费',
        sourceRef: `BENCH-${PERIOD}-${String(k).padStart(8, '0')}`,
      };
    };
    const batches: unknown[][] = [];
    for (let k = 0; k < total; k += BATCH) batches.push([...Array(Math.min(BATCH, total - k)).keys()].map((i) => charge(k + i)));
    const ingestStart = performance.now();
    let next = 0;
    const batchTimes: number[] = [];
    await Promise.all(
      [...Array(BATCH_CLIENTS)].map(async () => {
        while (next < batches.length) {
          const b = batches[next++];
          const t0 = performance.now();
          const res = await api<{ created: number }>(server.url, billing, 'POST', '/api/v1/billing/charges:batch', { charges: b });
          if (res.created !== b.length) throw new Error(`batch created ${res.created} of ${b.length}`);
          batchTimes.push(performance.now() - t0);
        }
      }),
    );
    const ingestSeconds = (performance.now() - ingestStart) / 1000;
    console.log(`charges: ${total} in ${ingestSeconds.toFixed(1)} s → ${(total / ingestSeconds).toFixed(0)}/s`);
    await db.query('VACUUM ANALYZE billing_charges');

    // ---- the bill run
    const runStart = performance.now();
    const started = await api<{ id: string; customersTotal: number }>(server.url, billing, 'POST', '/api/v1/billing/bill-runs', {
      period: PERIOD,
    });
    let run: { state: string; processed: number; startedAt: string; completedAt: string | null; outcomes: Record<string, number> };
    for (;;) {
      run = await api(server.url, billing, 'GET', `/api/v1/billing/bill-runs/${started.id}`);
      if (run.state === 'completed') break;
      await sleep(250);
    }
    const runSeconds = (performance.now() - runStart) / 1000;
    const serverSeconds = (Date.parse(run.completedAt!) - Date.parse(run.startedAt)) / 1000;
    const [bills] = (
      await db.query(
        `SELECT count(*)::int AS bills, count(DISTINCT customer_id)::int AS customers, sum(total_fen)::text AS total,
                (SELECT count(*)::int FROM bill_lines) AS lines, (SELECT count(*)::int FROM billing_charges WHERE bill_id IS NULL) AS unbilled
           FROM bills`,
      )
    ).rows;
    console.log(
      `bill run: ${bills.bills} bills in ${runSeconds.toFixed(1)} s (server ${serverSeconds.toFixed(1)} s) → ${(bills.bills / serverSeconds).toFixed(0)} bills/s`,
    );
    await db.query('VACUUM ANALYZE bills');
    await db.query('VACUUM ANALYZE bill_lines');

    // ---- payments under concurrent clients
    let n = 0;
    const payment = () => ({
      method: 'POST' as const,
      path: '/api/v1/payments',
      headers: { authorization: `Bearer ${billing}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        customerId: customers[(n++ * 7) % CUSTOMERS],
        amountFen: 50_000 + (n % 1000) * 100,
        collectedRegion: HOMES[n % HOMES.length],
        method: 'bank_transfer',
      }),
    });
    const measure = (kind: 'health' | 'payments', duration: number) =>
      load({
        url: server.url,
        connections: CONNECTIONS,
        duration,
        ...(kind === 'health'
          ? { requests: [{ method: 'GET', path: '/health/live' }] }
          : { requests: [{ setupRequest: (req: object) => ({ ...req, ...payment() }) }] }),
      });
    await measure('payments', 3);
    await measure('health', 2);
    type Run = { health: LoadResult; payments: LoadResult };
    const results: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const health = await measure('health', DURATION);
      const payments = await measure('payments', DURATION);
      results.push({ health, payments });
      console.log(
        `run ${i + 1}: health ${health.requestsPerSec.toFixed(0)} req/s; payments ${payments.requestsPerSec.toFixed(0)} req/s p50 ${payments.p50} ms p99 ${payments.p99} ms ` +
          `(non-2xx ${payments.non2xx}, errors ${payments.errors})`,
      );
    }

    const [check] = (
      await db.query(
        `SELECT (SELECT count(*)::int FROM payments) AS payments,
                (SELECT count(*)::int FROM bill_lines WHERE paid_fen > due_fen) AS lines_over,
                (SELECT count(*)::int FROM payments p WHERE allocated_fen <> coalesce((SELECT sum(amount_fen) FROM payment_allocations a WHERE a.payment_id = p.id), 0)) AS payments_off,
                (SELECT count(*)::int FROM bills b WHERE paid_fen <> coalesce((SELECT sum(amount_fen) FROM payment_allocations a WHERE a.bill_id = b.id), 0)) AS bills_off`,
      )
    ).rows;

    const med = (pick: (r: Run) => number) => median(results.map(pick));
    const exact = bills.total === String(expectedFen);
    const report = [
      `## Billing — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. Command: \`npm run bench:billing\`. ${CUSTOMERS} customers × ${PER_CUSTOMER} charges across ${SERVING.length} serving regions.`,
      '',
      '| measure | result |',
      '|---|---:|',
      `| charges ingested via \`POST /billing/charges:batch\` (${BATCH} per request, ${BATCH_CLIENTS} at a time) | ${total} in ${ingestSeconds.toFixed(1)} s = **${(total / ingestSeconds).toFixed(0)} charges/s** (median request ${(median(batchTimes) / 1000).toFixed(2)} s) |`,
      `| bill run of ${total} charges (POST to completed, polled every 250 ms) | **${runSeconds.toFixed(1)} s** (server-side ${serverSeconds.toFixed(1)} s) |`,
      `| bills issued | ${bills.bills} bills, ${bills.lines} lines = **${(bills.bills / serverSeconds).toFixed(0)} bills/s** |`,
      `| \`POST /api/v1/payments\`, ${CONNECTIONS} connections, median of ${RUNS} × ${DURATION} s | **${med((r) => r.payments.requestsPerSec).toFixed(0)} payments/s**, p50 ${med((r) => r.payments.p50)} ms, p99 ${med((r) => r.payments.p99)} ms |`,
      `| \`GET /health/live\` in the same runs (yardstick) | ${med((r) => r.health.requestsPerSec).toFixed(0)} req/s |`,
      '',
      `Checks: ${bills.customers} customers billed once each (${bills.bills} bills), ${bills.unbilled} charges left unbilled; bills total ${bills.total} fen ` +
        `${exact ? '= the charges posted, exactly' : `≠ the charges posted (${expectedFen})`}; ${check.payments} payments, ` +
        `${check.lines_over} lines over-paid, ${check.payments_off} payments and ${check.bills_off} bills whose paid amount differs from their allocations. ` +
        `Non-2xx payments: ${results.map((r) => r.payments.non2xx).join(', ')}; errors: ${results.map((r) => r.payments.errors).join(', ')}.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('billing', report)}`);
    if (!exact || bills.bills !== CUSTOMERS || bills.unbilled || check.lines_over || check.payments_off || check.bills_off)
      process.exitCode = 1;
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await db.end();
    await server.stop();
    // Nothing left behind: the server's keys and the database.
    const keys = await deleteQueueKeys(server.queuePrefix);
    await dropDatabase(databaseUrl);
    console.log(`removed ${keys} Redis keys and the database`);
  }
}

void main();
