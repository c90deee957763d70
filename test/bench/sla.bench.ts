/**
 * SLA timer benchmark (issue 3):
 *
 *   npm run bench:sla
 *
 * On a fresh database with the built server running (API + workers), loads
 * BENCH_FAR (100,000) open clocks whose thresholds lie days ahead and
 * BENCH_NEAR (10,000) whose breach falls inside a BENCH_WINDOW (10) second
 * window, arms their timers exactly as the engine does (same job ids and
 * data), then waits for the window to pass and reports each sla.breached
 * alert's lateness (raised − due) at p50/p95/p99/max, and how many are
 * missing or duplicated (both must be 0). Rows are written straight into
 * PostgreSQL: the point is the timer path, not intake (bench:faults).
 */
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { creditCodeCheckChar } from '../../src/customers/credit-code';
import { FIRE_JOB, fireJobId } from '../../src/sla/sla-clocks.service';
import {
  REDIS_URL,
  api,
  benchDatabaseUrl,
  envInt,
  machine,
  percentile,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const FAR = envInt('BENCH_FAR', 100_000);
const NEAR = envInt('BENCH_NEAR', 10_000);
const WINDOW_S = envInt('BENCH_WINDOW', 10);
const LEAD_S = envInt('BENCH_LEAD', 20); // from the end of loading to the start of the window
const BATCH = 5_000;

interface ClockRow {
  caseId: string;
  caseNo: string;
  startedAt: Date;
  targetSeconds: number;
  dueAt: Date;
  nextLevel: 'warning' | 'breached';
  nextAt: Date;
}

async function insertCases(db: Client, customerId: string, rows: ClockRow[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += BATCH) {
    const b = rows.slice(i, i + BATCH);
    const col = <K extends keyof ClockRow>(k: K) => b.map((r) => r[k]);
    await db.query(
      `INSERT INTO case_index (kind, id, case_no, customer_id, region, title, state, priority, green_channel, is_open, opened_at)
       SELECT 'fault', id, no, $3, '440605', 'bench', 'acknowledged', 3, false, true, now()
         FROM unnest($1::uuid[], $2::text[]) AS t(id, no)`,
      [col('caseId'), col('caseNo'), customerId],
    );
    const res = await db.query(
      `INSERT INTO sla_clocks (case_kind, case_id, clock, policy_key, policy_version, target_seconds, warn_at_percent,
                               started_at, due_at, state, generation, next_level, next_at)
       SELECT 'fault', id, 'resolution', 'fault:P3', 1, target, 75, started, due, 'running', 1, lvl, nxt
         FROM unnest($1::uuid[], $2::int[], $3::timestamptz[], $4::timestamptz[], $5::text[], $6::timestamptz[])
              AS t(id, target, started, due, lvl, nxt)
       RETURNING id`,
      [col('caseId'), col('targetSeconds'), col('startedAt'), col('dueAt'), col('nextLevel'), col('nextAt')],
    );
    ids.push(...res.rows.map((r: { id: string }) => r.id));
  }
  return ids;
}

async function arm(queue: Queue, ids: string[], rows: ClockRow[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 1000) {
    await queue.addBulk(
      ids.slice(i, i + 1000).map((id, j) => {
        const r = rows[i + j];
        return {
          name: FIRE_JOB,
          data: { clockId: id, generation: 1, level: r.nextLevel },
          opts: {
            jobId: fireJobId({ id, generation: 1, nextLevel: r.nextLevel }),
            delay: Math.max(0, r.nextAt.getTime() - Date.now()),
            removeOnComplete: true,
          },
        };
      }),
    );
  }
}

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_sla');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const db = new Client({ connectionString: databaseUrl });
  const queue = new Queue('sla', { connection: { url: REDIS_URL }, prefix: server.queuePrefix });
  try {
    await db.connect();
    const admin = await token(server.url, 'admin', server.adminPassword);
    const body = '91440000000000001';
    const customer = await api<{ id: string }>(server.url, admin, 'POST', '/api/v1/customers', {
      name: 'SLA基准测试客户',
      creditCode: body + creditCodeCheckChar(body),
      tier: 'key',
      industry: 'government',
      homeRegion: '440605',
      greenChannel: false,
      contacts: [],
      sites: [{ name: '总部', region: '440605', address: 'x' }],
    });

    console.log(`loading ${FAR} far clocks (${machine()})…`);
    let t = Date.now();
    const now = Date.now();
    const far: ClockRow[] = Array.from({ length: FAR }, (_, i) => {
      const startedAt = new Date(now);
      const targetSeconds = 7 * 86_400 + (i % 86_400); // warnings 5+ days ahead
      return {
        caseId: randomUUID(),
        caseNo: `FLT-BENCH-F${i}`,
        startedAt,
        targetSeconds,
        dueAt: new Date(now + targetSeconds * 1000),
        nextLevel: 'warning',
        nextAt: new Date(now + targetSeconds * 750),
      };
    });
    const farIds = await insertCases(db, customer.id, far);
    const loadMs = Date.now() - t;
    t = Date.now();
    await arm(queue, farIds, far);
    const armMs = Date.now() - t;
    console.log(`far: inserted in ${loadMs} ms, armed in ${armMs} ms`);

    const windowStart = Date.now() + LEAD_S * 1000;
    const near: ClockRow[] = Array.from({ length: NEAR }, (_, i) => {
      const due = new Date(windowStart + Math.floor((i / NEAR) * WINDOW_S * 1000));
      const targetSeconds = 3600;
      return {
        caseId: randomUUID(),
        caseNo: `FLT-BENCH-N${i}`,
        startedAt: new Date(due.getTime() - targetSeconds * 1000),
        targetSeconds,
        // the warning is long past: the next threshold is the breach itself
        dueAt: due,
        nextLevel: 'breached',
        nextAt: due,
      };
    });
    const nearIds = await insertCases(db, customer.id, near);
    await arm(queue, nearIds, near);
    const leadLeft = windowStart - Date.now();
    console.log(`near: ${NEAR} breaches from ${new Date(windowStart).toISOString()} over ${WINDOW_S} s (${leadLeft} ms from now)`);
    if (leadLeft < 0) throw new Error('loading took longer than BENCH_LEAD: raise it');

    const deadline = windowStart + WINDOW_S * 1000 + 60_000;
    const nearCaseIds = near.map((r) => r.caseId);
    let raised = 0;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1000));
      raised = (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`, [nearCaseIds]))
        .rows[0].n;
      if (raised >= NEAR && Date.now() > windowStart + WINDOW_S * 1000) break;
    }
    await new Promise((r) => setTimeout(r, 2000)); // anything late or doubled would show now
    const lateness: number[] = (
      await db.query(
        `SELECT extract(epoch FROM (raised_at - due_at)) * 1000 AS ms FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`,
        [nearCaseIds],
      )
    ).rows.map((r: { ms: string }) => Number(r.ms));
    const distinct = (
      await db.query(`SELECT count(DISTINCT case_id)::int AS n FROM alerts WHERE level = 'breached' AND case_id = ANY($1)`, [nearCaseIds])
    ).rows[0].n;
    const events = (
      await db.query(`SELECT count(*)::int AS n FROM outbox_events WHERE type = 'sla.breached' AND (data->>'caseId')::uuid = ANY($1)`, [
        nearCaseIds,
      ])
    ).rows[0].n;
    const farAlerts = (await db.query(`SELECT count(*)::int AS n FROM alerts WHERE case_id <> ALL($1)`, [nearCaseIds])).rows[0].n;
    const missing = NEAR - distinct;
    const duplicated = lateness.length - distinct + Math.max(0, events - distinct);
    const f = (x: number) => x.toFixed(0);
    const report = [
      `## SLA breach timing — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${FAR.toLocaleString()} running clocks with far timers, ${NEAR.toLocaleString()} breaches due within ${WINDOW_S} s. Command: \`npm run bench:sla\`.`,
      '',
      `Loading: ${FAR} clocks inserted in ${loadMs} ms, their timers armed in ${armMs} ms.`,
      '',
      '| breach lateness (raised − due) | ms |',
      '|---|---:|',
      `| p50 | ${f(percentile(lateness, 50))} |`,
      `| p95 | ${f(percentile(lateness, 95))} |`,
      `| p99 | ${f(percentile(lateness, 99))} |`,
      `| max | ${f(Math.max(...lateness))} |`,
      '',
      `Raised ${distinct} of ${NEAR}: missing ${missing}, duplicated ${duplicated} (alerts ${lateness.length}, sla.breached events ${events}); alerts on far clocks: ${farAlerts}.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('sla', report)}`);
    if (missing || duplicated || farAlerts) process.exitCode = 1;
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await queue.close();
    await db.end().catch(() => undefined);
    await server.stop();
  }
}

void main();
