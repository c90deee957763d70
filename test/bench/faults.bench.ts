/**
 * Fault intake benchmark (issue 3):
 *
 *   npm run bench:faults
 *
 * Starts the built server on a fresh database, creates customers through the
 * API, then alternates GET /health/live, POST /api/v1/faults and the bare
 * intake endpoint of bare-intake-server.ts (the machine's ceiling for any
 * intake: one transaction, two rows, one job) under BENCH_CONNECTIONS (50)
 * connections for BENCH_DURATION (20) s each, BENCH_RUNS (3) times, and
 * reports medians. On a shared, noisy machine the ratios to those two
 * yardsticks mean more than the raw numbers. Finally it checks that every
 * fault created has its two SLA clocks, and a timer job for each whose
 * threshold lies within the arming horizon (the sweep arms the rest). The trivial
 * Nest-on-Fastify route of trivial-server.ts is measured in the same runs as
 * the yardstick of the fixed cost of a request (issue 15); the API process's
 * RSS and heap are reported at the end, and the run's Redis keys (the
 * server's and the bare intake's) and its database are removed.
 */
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { armHorizonSecondsFor, fireJobId } from '../../src/sla/sla-clocks.service';
import { faultBody } from '../support/factories';
import type { LoadResult } from './harness';
import {
  REDIS_URL,
  apiMemory,
  benchDatabaseUrl,
  createCustomers,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  load,
  machine,
  median,
  recreateDatabase,
  startHelper,
  startServer,
  startTrivial,
  token,
  writeReport,
} from './harness';

const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const DURATION = envInt('BENCH_DURATION', 20);
const RUNS = envInt('BENCH_RUNS', 3);
const CUSTOMERS = envInt('BENCH_CUSTOMERS', 200);

const REGIONS = ['440605', '440604', '440606', '440106', '440305', '441900', '110105', '310115'];
const SEVERITIES = ['critical', 'major', 'minor'] as const;
/** The engine's arming horizon for the server's SLA_SWEEP_SECONDS (15 by default). */
const ARM_HORIZON_S = armHorizonSecondsFor(Number(process.env.SLA_SWEEP_SECONDS ?? 15));
const BARE_PREFIX = `{focus-one-bench-bare-${randomUUID().slice(0, 8)}}`;

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_faults');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const bare = await startHelper('bare-intake-server.js', { DATABASE_URL: databaseUrl, REDIS_URL, QUEUE_PREFIX: BARE_PREFIX });
  const trivial = await startTrivial();
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    const customers = await createCustomers(server.url, admin, CUSTOMERS, (i) => [REGIONS[i % REGIONS.length]]);
    let n = 0;
    const faultRequest = () => ({
      method: 'POST' as const,
      path: '/api/v1/faults',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(
        faultBody(customers[n % customers.length].id, {
          // Every fault names its site: the intake looks for open faults on it (possibleDuplicateOf, issue 11).
          siteId: customers[n++ % customers.length].siteIds[0],
          category: n % 10 === 0 ? 'complaint' : 'fault',
          severity: SEVERITIES[n % 3],
          description: `基准测试 ${randomUUID()}`,
        }),
      ),
    });
    const run = (kind: 'trivial' | 'health' | 'faults' | 'bare', duration: number) =>
      load({
        url: kind === 'bare' ? bare.url : kind === 'trivial' ? trivial.url : server.url,
        connections: CONNECTIONS,
        duration,
        ...(kind === 'trivial'
          ? { requests: [{ method: 'GET', path: '/live' }] }
          : kind === 'health'
            ? { requests: [{ method: 'GET', path: '/health/live' }] }
            : kind === 'bare'
              ? {
                  requests: [
                    { method: 'POST', path: '/tickets', headers: { 'content-type': 'application/json' }, body: '{"title":"专线中断"}' },
                  ],
                }
              : { requests: [{ setupRequest: (req: object) => ({ ...req, ...faultRequest() }) }] }),
      });

    console.log(`warming up (${machine()})…`);
    await run('faults', 5);
    await run('health', 3);
    await run('bare', 3);
    await run('trivial', 3);
    type Run = { trivial: LoadResult; health: LoadResult; faults: LoadResult; bare: LoadResult };
    const results: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      const trivialRun = await run('trivial', DURATION);
      const health = await run('health', DURATION);
      const faults = await run('faults', DURATION);
      const bareRun = await run('bare', DURATION);
      results.push({ trivial: trivialRun, health, faults, bare: bareRun });
      console.log(
        `run ${i + 1}: trivial ${trivialRun.requestsPerSec.toFixed(0)} req/s; health ${health.requestsPerSec.toFixed(0)} req/s p99 ${health.p99} ms; faults ${faults.requestsPerSec.toFixed(0)} req/s ` +
          `p50 ${faults.p50} ms p99 ${faults.p99} ms (non-2xx ${faults.non2xx}, errors ${faults.errors}); bare intake ${bareRun.requestsPerSec.toFixed(0)} req/s p99 ${bareRun.p99} ms`,
      );
    }

    // Every fault has its two clocks, and every running clock whose threshold is within the arming horizon its timer job
    // (SlaClocksService.armHorizonSeconds: two sweeps; the sweep arms the later ones as they come near).
    await new Promise((r) => setTimeout(r, 2000)); // let post-commit work finish
    const db = new Client({ connectionString: databaseUrl });
    await db.connect();
    const [{ faults }] = (await db.query(`SELECT count(*)::int AS faults FROM faults`)).rows;
    const [{ clocks }] = (await db.query(`SELECT count(*)::int AS clocks FROM sla_clocks`)).rows;
    const missingClocks = (
      await db.query(
        `SELECT count(*)::int AS n FROM faults f WHERE (SELECT count(*) FROM sla_clocks c WHERE c.case_kind = f.category AND c.case_id = f.id) <> 2`,
      )
    ).rows[0].n as number;
    const [{ pending }] = (await db.query(`SELECT count(*)::int AS pending FROM sla_clocks WHERE state = 'running' AND next_at > now()`))
      .rows;
    const running = (
      await db.query(
        `SELECT id, generation, next_level FROM sla_clocks WHERE state = 'running' AND next_at > now() AND next_at <= now() + make_interval(secs => $1)`,
        [ARM_HORIZON_S],
      )
    ).rows;
    await db.end();
    const queue = new Queue('sla', { connection: { url: REDIS_URL }, prefix: server.queuePrefix });
    let missingTimers = 0;
    for (let i = 0; i < running.length; i += 500) {
      const batch = running.slice(i, i + 500);
      const jobs = await Promise.all(
        batch.map((c) => queue.getJob(fireJobId({ id: c.id, generation: c.generation, nextLevel: c.next_level }))),
      );
      missingTimers += jobs.filter((j) => !j).length;
    }
    const delayed = await queue.getDelayedCount();
    await queue.close();

    const memory = await apiMemory(server);
    const med = (pick: (r: Run) => number) => median(results.map(pick));
    const perRun = (pick: (r: Run) => number) => med(pick).toFixed(2);
    const bareRps = med((r) => r.bare.requestsPerSec);
    const healthRps = med((r) => r.health.requestsPerSec);
    const faultRps = med((r) => r.faults.requestsPerSec);
    const report = [
      `## Fault intake — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${CONNECTIONS} connections, ${DURATION} s per run, ${RUNS} runs, medians. Command: \`npm run bench:faults\`.`,
      '',
      '| scenario | req/s | p50 ms | p99 ms |',
      '|---|---:|---:|---:|',
      `| trivial Nest-on-Fastify GET (yardstick) | ${med((r) => r.trivial.requestsPerSec).toFixed(0)} | ${med((r) => r.trivial.p50)} | ${med((r) => r.trivial.p99)} |`,
      `| GET /health/live | ${healthRps.toFixed(0)} | ${med((r) => r.health.p50)} | ${med((r) => r.health.p99)} |`,
      `| POST /api/v1/faults | ${faultRps.toFixed(0)} | ${med((r) => r.faults.p50)} | ${med((r) => r.faults.p99)} |`,
      `| bare intake (Fastify + one pg transaction + one BullMQ add) | ${bareRps.toFixed(0)} | ${med((r) => r.bare.p50)} | ${med((r) => r.bare.p99)} |`,
      '',
      `Intake / health ratio: ${(faultRps / healthRps).toFixed(3)}; intake / bare ceiling: ${(faultRps / bareRps).toFixed(2)}. Non-2xx: ${results.map((r) => r.faults.non2xx).join(', ')}; errors: ${results.map((r) => r.faults.errors).join(', ')}.`,
      '',
      `Per run, then the median: /health/live / trivial ${perRun((r) => r.health.requestsPerSec / r.trivial.requestsPerSec)}; ` +
        `intake / trivial ${perRun((r) => r.faults.requestsPerSec / r.trivial.requestsPerSec)}; intake / bare ${perRun((r) => r.faults.requestsPerSec / r.bare.requestsPerSec)}.`,
      '',
      `API process at the end: ${memory}.`,
      '',
      `Check: ${faults} faults, ${clocks} clocks (${missingClocks} faults without exactly two), ${pending} running clocks with a future threshold, ` +
        `${running.length} of them within the ${ARM_HORIZON_S} s arming horizon, ${missingTimers} of those without their timer job; ${delayed} delayed jobs in the SLA queue.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('faults', report)}`);
    if (missingClocks || missingTimers) process.exitCode = 1;
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await Promise.all([bare.stop(), trivial.stop(), server.stop()]);
    // Nothing left behind: the server's and the bare intake's keys, and the database.
    const keys = (await deleteQueueKeys(server.queuePrefix)) + (await deleteQueueKeys(BARE_PREFIX));
    await dropDatabase(databaseUrl);
    console.log(`removed ${keys} Redis keys and the database`);
  }
}

void main();
