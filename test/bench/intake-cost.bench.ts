/**
 * What one fault intake costs in round trips, counted rather than timed:
 *
 *   npm run bench:intake-cost
 *   BENCH_INTAKE=support npm run bench:intake-cost   # the same for support requests
 *
 * Throughput on this shared machine moves with whatever else runs; counts do
 * not. Starts the built server (API + workers) on a fresh database and a
 * private redis-server, opens BENCH_FAULTS (1,000) faults with 10 clients,
 * waits for the workers' follow-up (dispatch, relay), and reports per fault:
 * Redis commands executed (INFO commandstats, commands inside BullMQ's Lua
 * scripts included), PostgreSQL transactions and rows written
 * (pg_stat_database), and, when `strace` is installed, the server process's
 * socket reads and writes — each one a system call, which is what the CPU
 * profile showed the time going to, and the server process's CPU time (with
 * BENCH_STRACE=0, untraced: ptrace makes every system call dearer). Every kind opens through the same
 * CaseIntake; BENCH_INTAKE=support counts a support request's intake instead
 * (POST /support-requests, category `maintenance`). BENCH_INTAKE=order counts
 * a three-region order's (POST /orders, one item per region: the order and
 * three work orders, eight clocks, three fulfilment jobs), as bench:orders makes them.
 */
import IORedis from 'ioredis';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { faultBody } from '../support/factories';
import { startRedisServer } from '../support/redis-server';
import {
  api,
  benchDatabaseUrl,
  createCustomers,
  dropDatabase,
  envInt,
  machine,
  recreateDatabase,
  startServer,
  token,
  writeReport,
} from './harness';

const FAULTS = envInt('BENCH_FAULTS', 1000);
const SUPPORT = process.env.BENCH_INTAKE === 'support';
const ORDER = process.env.BENCH_INTAKE === 'order';
const KIND = SUPPORT ? 'support request' : ORDER ? 'order' : 'fault';
/** What bench:orders orders: one product per site, each site in its own region. */
const ORDER_PRODUCTS = [
  { productCode: 'MPLS_VPN', attributes: { bandwidthMbps: 100, qosClass: 'gold' } },
  { productCode: 'DIA', attributes: { bandwidthMbps: 500 } },
  { productCode: 'SDWAN', attributes: { bandwidthMbps: 50, edgeModel: 'medium' } },
];
const CLIENTS = 10;
const REGIONS = ['440605', '440106', '110105', '310115'];

async function redisCommands(redis: IORedis): Promise<number> {
  const info = await redis.info('commandstats');
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
}

/** Attaches strace to the server and counts its socket system calls, if strace is there. */
function traceSyscalls(pid: number): { stop(): Promise<Record<string, number> | null> } {
  // BENCH_STRACE=0: no tracing, so the CPU figure is the server's own (ptrace makes every system call dearer)
  if (process.env.BENCH_STRACE === '0') return { stop: () => Promise.resolve(null) };
  const child = spawn('strace', ['-f', '-c', '-e', 'trace=read,readv,recvfrom,recvmsg,write,writev,sendto,sendmsg', '-p', String(pid)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let out = '';
  let missing = false;
  child.on('error', () => (missing = true));
  child.stderr.on('data', (d) => (out += d));
  return {
    async stop() {
      if (missing) return null;
      child.kill('SIGINT');
      await new Promise((ok) => child.once('exit', ok));
      const calls: Record<string, number> = {};
      for (const line of out.split('\n')) {
        const cols = line.trim().split(/\s+/);
        if (cols.length >= 5 && /^\d+$/.test(cols[3])) calls[cols[cols.length - 1]] = Number(cols[3]);
      }
      return calls;
    },
  };
}

/** CPU time the process has used so far (user + system), in ms, from /proc (clock ticks of 10 ms); null where there is no /proc. */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_cost');
  await recreateDatabase(databaseUrl);
  const redisServer = await startRedisServer();
  const server = await startServer(databaseUrl, { REDIS_URL: redisServer.url });
  const redis = new IORedis(redisServer.url);
  const db = new Client({ connectionString: databaseUrl });
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    const made = await createCustomers(server.url, admin, 40, (i) =>
      ORDER ? [0, 1, 2].map((k) => REGIONS[(i + k) % REGIONS.length]) : [REGIONS[i % REGIONS.length]],
    );
    const customers = made.map((c) => c.id);
    const open = (n: number) =>
      ORDER
        ? api(server.url, admin, 'POST', '/api/v1/orders', {
            customerId: customers[n % customers.length],
            acceptedRegion: '440600',
            contractNo: `COST-${n}`,
            items: made[n % made.length].siteIds.map((siteId, k) => ({ action: 'add', siteId, quantity: 1, ...ORDER_PRODUCTS[k] })),
          })
        : SUPPORT
          ? api(server.url, admin, 'POST', '/api/v1/support-requests', {
              customerId: customers[n % customers.length],
              category: 'maintenance',
              description: `成本测试 ${n}`,
            })
          : api(
              server.url,
              admin,
              'POST',
              '/api/v1/faults',
              faultBody(customers[n % customers.length], { severity: ['critical', 'major', 'minor'][n % 3], description: `成本测试 ${n}` }),
            );
    for (let i = 0; i < 200; i++) await open(i); // warm up: JIT, pools, case-number blocks
    await sleep(3000);

    await db.connect();
    const pgStats = async () => {
      await db.query('SELECT pg_stat_clear_snapshot()');
      const [row] = (
        await db.query(
          `SELECT xact_commit::bigint AS transactions, (tup_inserted + tup_updated + tup_deleted)::bigint AS rows
             FROM pg_stat_database WHERE datname = current_database()`,
        )
      ).rows;
      return { transactions: Number(row.transactions), rows: Number(row.rows) };
    };
    const redis0 = await redisCommands(redis);
    const pg0 = await pgStats();
    const cpu0 = cpuMs(server.process.pid!);
    const trace = traceSyscalls(server.process.pid!);
    await sleep(1500); // strace attaches

    let next = 0;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (next < FAULTS) await open(next++);
      }),
    );
    await sleep(6000); // the workers' dispatch and relay for the last faults
    const cpu1 = cpuMs(server.process.pid!);
    const calls = await trace.stop();
    await sleep(1000); // statistics reach pg_stat_database with a short delay
    const redis1 = await redisCommands(redis);
    const pg1 = await pgStats();

    const per = (n: number) => (n / FAULTS).toFixed(1);
    const sum = (names: string[]) => names.reduce((s, k) => s + (calls?.[k] ?? 0), 0);
    const report = [
      `## ${KIND[0].toUpperCase()}${KIND.slice(1)} intake cost in round trips — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()}. ${FAULTS} ${KIND}s, ${CLIENTS} clients, API and workers in one process. Command: \`${process.env.BENCH_INTAKE ? `BENCH_INTAKE=${process.env.BENCH_INTAKE} ` : ''}npm run bench:intake-cost\`.`,
      '',
      `| per ${SUPPORT ? 'request' : KIND} (intake and the workers’ follow-up) | count |`,
      '|---|---:|',
      `| Redis commands (inside Lua scripts included) | ${per(redis1 - redis0)} |`,
      `| PostgreSQL transactions (each autocommit statement is one) | ${per(pg1.transactions - pg0.transactions)} |`,
      `| PostgreSQL rows written | ${per(pg1.rows - pg0.rows)} |`,
      `| server process CPU ms (user + system${calls ? ', strace attached' : ''}) | ${cpu0 === null || cpu1 === null ? '(no /proc)' : per(cpu1 - cpu0)} |`,
      calls
        ? `| server socket writes (write, writev, sendto, sendmsg) | ${per(sum(['write', 'writev', 'sendto', 'sendmsg']))} |\n` +
          `| server socket reads (read, readv, recvfrom, recvmsg) | ${per(sum(['read', 'readv', 'recvfrom', 'recvmsg']))} |`
        : '| server system calls | (not traced) |',
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('intake-cost', report)}`);
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await db.end().catch(() => undefined);
    redis.disconnect();
    await server.stop();
    await redisServer.stop(); // a private Redis: its keys go with it
    await dropDatabase(databaseUrl);
    console.log('removed the database');
  }
}

void main();
