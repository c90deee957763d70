/**
 * Order intake benchmark (issue 4):
 *
 *   npm run bench:orders
 *
 * Starts the built server on a fresh database, creates customers with sites
 * in three regions through the API, then alternates GET /health/live and
 * POST /api/v1/orders (one item per region, so three work orders per order)
 * under BENCH_CONNECTIONS (50) connections for BENCH_DURATION (20) s each,
 * BENCH_RUNS (3) times, and reports medians. Finally it checks that every
 * order has exactly its three work orders and eight clocks, and that every
 * work order was dispatched by its fulfilment job or still has that job
 * waiting. The API process's RSS and heap are reported at the end (issue 15).
 */
import { Queue } from 'bullmq';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { fulfilJobId } from '../../src/orders/order-fan-out';
import { QueueName } from '../../src/queues/queue-names';
import type { LoadResult } from './harness';
import {
  REDIS_URL,
  apiMemory,
  benchDatabaseUrl,
  createCustomers,
  deleteQueueKeys,
  envInt,
  load,
  machine,
  median,
  dropDatabase,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const DURATION = envInt('BENCH_DURATION', 20);
const RUNS = envInt('BENCH_RUNS', 3);
const CUSTOMERS = envInt('BENCH_CUSTOMERS', 200);

/** Each customer has a site in three of these regions. */
const REGIONS = ['440605', '440106', '110105', '310115', '440305', '441900'];
const PRODUCTS = [
  { productCode: 'MPLS_VPN', attributes: { bandwidthMbps: 100, qosClass: 'gold' } },
  { productCode: 'DIA', attributes: { bandwidthMbps: 500 } },
  { productCode: 'SDWAN', attributes: { bandwidthMbps: 50, edgeModel: 'medium' } },
];

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_orders');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    // Each customer has a site in three of the six regions.
    const customers = await createCustomers(server.url, admin, CUSTOMERS, (i) =>
      [0, 1, 2].map((k) => REGIONS[(i + k * 2) % REGIONS.length]),
    );
    let n = 0;
    const orderRequest = () => {
      const c = customers[n++ % customers.length];
      return {
        method: 'POST' as const,
        path: '/api/v1/orders',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          customerId: c.id,
          acceptedRegion: '440600',
          contractNo: `BENCH-${n}`,
          urgent: n % 5 === 0,
          items: c.siteIds.map((siteId, k) => ({ action: 'add', siteId, quantity: 1, ...PRODUCTS[k] })),
        }),
      };
    };
    const run = (kind: 'health' | 'orders', duration: number) =>
      load({
        url: server.url,
        connections: CONNECTIONS,
        duration,
        ...(kind === 'health'
          ? { requests: [{ method: 'GET', path: '/health/live' }] }
          : { requests: [{ setupRequest: (req: object) => ({ ...req, ...orderRequest() }) }] }),
      });

    console.log(`warming up (${machine()})…`);
    await run('orders', 5);
    await run('health', 3);
    type Run = { health: LoadResult; orders: LoadResult };
    const results: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const health = await run('health', DURATION);
      const orders = await run('orders', DURATION);
      results.push({ health, orders });
      console.log(
        `run ${i + 1}: health ${health.requestsPerSec.toFixed(0)} req/s p99 ${health.p99} ms; orders ${orders.requestsPerSec.toFixed(0)}/s ` +
          `p50 ${orders.p50} ms p99 ${orders.p99} ms (non-2xx ${orders.non2xx}, errors ${orders.errors})`,
      );
    }

    // Every order has its three work orders and eight clocks; every work order its fulfilment job (done or waiting).
    const queue = new Queue(QueueName.fulfilment, { connection: { url: REDIS_URL }, prefix: server.queuePrefix });
    // The worker side of the same process may lag behind the intake: how far, and how long it takes to catch up.
    const backlog = await queue.getPrioritizedCount();
    const drainStart = Date.now();
    const drainDeadline = drainStart + 120_000;
    while (
      (await queue.getWaitingCount()) + (await queue.getPrioritizedCount()) + (await queue.getActiveCount()) > 0 &&
      Date.now() < drainDeadline
    ) {
      await sleep(500);
    }
    const drainedInS = (Date.now() - drainStart) / 1000;
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const [{ orders, workOrders }] = (
      await db.query(`SELECT (SELECT count(*)::int FROM orders) AS orders, (SELECT count(*)::int FROM work_orders) AS "workOrders"`)
    ).rows;
    const wrongFanOut = (
      await db.query(`SELECT count(*)::int AS n FROM orders o WHERE (SELECT count(*) FROM work_orders w WHERE w.order_id = o.id) <> 3`)
    ).rows[0].n as number;
    // Counted by one grouping (hash joins): the correlated form with an OR took minutes once the run made ~25,000 orders.
    const wrongClocks = (
      await db.query(
        `SELECT count(*)::int AS n FROM orders o
           LEFT JOIN (SELECT coalesce(w.order_id, c.case_id) AS order_id, count(*) AS clocks
                        FROM sla_clocks c LEFT JOIN work_orders w ON c.case_kind = 'work_order' AND w.id = c.case_id
                       GROUP BY 1) k ON k.order_id = o.id
          WHERE coalesce(k.clocks, 0) <> 8`,
      )
    ).rows[0].n as number;
    const pending: { id: string }[] = (await db.query(`SELECT id FROM work_orders WHERE state = 'pending'`)).rows;
    const [{ dispatched }] = (await db.query(`SELECT count(*)::int AS dispatched FROM work_orders WHERE state = 'dispatched'`)).rows;
    await db.end();
    let missingJobs = 0;
    for (let i = 0; i < pending.length; i += 500) {
      const jobs = await Promise.all(pending.slice(i, i + 500).map((w) => queue.getJob(fulfilJobId(w.id))));
      missingJobs += jobs.filter((j) => !j).length;
    }
    await queue.close();

    const memory = await apiMemory(server);
    const med = (pick: (r: Run) => number) => median(results.map(pick));
    const healthRps = med((r) => r.health.requestsPerSec);
    const orderRps = med((r) => r.orders.requestsPerSec);
    const report = [
      `## Order intake — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${CONNECTIONS} connections, ${DURATION} s per run, ${RUNS} runs, medians; every order has one item in each of three regions. Command: \`npm run bench:orders\`.`,
      '',
      '| scenario | req/s | p50 ms | p99 ms |',
      '|---|---:|---:|---:|',
      `| GET /health/live | ${healthRps.toFixed(0)} | ${med((r) => r.health.p50)} | ${med((r) => r.health.p99)} |`,
      `| POST /api/v1/orders (three regions) | ${orderRps.toFixed(0)} | ${med((r) => r.orders.p50)} | ${med((r) => r.orders.p99)} |`,
      '',
      `Orders / health ratio: ${(orderRps / healthRps).toFixed(3)}. Non-2xx: ${results.map((r) => r.orders.non2xx).join(', ')}; errors: ${results.map((r) => r.orders.errors).join(', ')}.`,
      '',
      `Per run, then the median: orders / health ${med((r) => r.orders.requestsPerSec / r.health.requestsPerSec).toFixed(3)}.`,
      '',
      `API process at the end: ${memory}.`,
      '',
      `Fulfilment backlog when the last run ended: ${backlog} work orders, dispatched ${drainedInS.toFixed(1)} s later.`,
      '',
      `Check: ${orders} orders, ${workOrders} work orders (${wrongFanOut} orders without exactly three), ${wrongClocks} orders without their eight clocks; ` +
        `${dispatched} work orders dispatched by their job, ${pending.length} still pending, ${missingJobs} of those without their job.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('orders', report)}`);
    // A run that created nothing, or lost requests, is a failed benchmark, not a fast one.
    const failedRequests = results.some((r) => r.orders.errors > 0 || r.orders.non2xx > 0);
    if (wrongFanOut || wrongClocks || missingJobs || !orders || failedRequests) process.exitCode = 1;
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await server.stop();
    // Nothing left behind: the server's keys and the database.
    const keys = await deleteQueueKeys(server.queuePrefix);
    await dropDatabase(databaseUrl);
    console.log(`removed ${keys} Redis keys and the database`);
  }
}

void main();
