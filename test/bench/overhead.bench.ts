/**
 * The fixed cost of a request (issue 15):
 *
 *   npm run bench:overhead
 *
 * Starts the built server (as `npm start` does, or split with
 * BENCH_TOPOLOGY=split) and the trivial Nest-on-Fastify route of
 * trivial-server.ts on the same Node, then alternates the trivial route,
 * GET /health/live and an authenticated GET /api/v1/staff/me under
 * BENCH_CONNECTIONS (50) connections for BENCH_DURATION (10) s each,
 * BENCH_RUNS (3) times, and reports medians and the ratios to the trivial
 * route measured in the same run (the machine is shared: raw numbers swing,
 * the ratios less). Ends with the API process's RSS and heap, and removes
 * its Redis keys and database.
 */
import type { LoadResult } from './harness';
import {
  apiMemory,
  benchDatabaseUrl,
  deleteQueueKeys,
  dropDatabase,
  envInt,
  load,
  machine,
  median,
  recreateDatabase,
  startServer,
  startTrivial,
  token,
  writeReport,
} from './harness';

const CONNECTIONS = envInt('BENCH_CONNECTIONS', 50);
const DURATION = envInt('BENCH_DURATION', 10);
const RUNS = envInt('BENCH_RUNS', 3);

type Kind = 'trivial' | 'live' | 'me';

async function main(): Promise<void> {
  const databaseUrl = benchDatabaseUrl('focus_one_bench_overhead');
  await recreateDatabase(databaseUrl);
  const server = await startServer(databaseUrl);
  const trivial = await startTrivial();
  try {
    const admin = await token(server.url, 'admin', server.adminPassword);
    const run = (kind: Kind, duration: number) =>
      load({
        url: kind === 'trivial' ? trivial.url : server.url,
        connections: CONNECTIONS,
        duration,
        requests: [
          kind === 'trivial'
            ? { method: 'GET', path: '/live' }
            : kind === 'live'
              ? { method: 'GET', path: '/health/live' }
              : { method: 'GET', path: '/api/v1/staff/me', headers: { authorization: `Bearer ${admin}` } },
        ],
      });

    console.log(`warming up (${machine()})…`);
    for (const kind of ['trivial', 'live', 'me'] as const) await run(kind, 3);
    const results: Record<Kind, LoadResult>[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = { trivial: await run('trivial', DURATION), live: await run('live', DURATION), me: await run('me', DURATION) };
      results.push(r);
      console.log(
        `run ${i + 1}: trivial ${r.trivial.requestsPerSec.toFixed(0)} req/s; /health/live ${r.live.requestsPerSec.toFixed(0)} ` +
          `(${(r.live.requestsPerSec / r.trivial.requestsPerSec).toFixed(2)}×); /staff/me ${r.me.requestsPerSec.toFixed(0)} ` +
          `(${(r.me.requestsPerSec / r.trivial.requestsPerSec).toFixed(2)}×, non-2xx ${r.me.non2xx})`,
      );
    }
    const memory = await apiMemory(server);
    const med = (pick: (r: Record<Kind, LoadResult>) => number) => median(results.map(pick));
    const ratio = (kind: Kind) => med((r) => r[kind].requestsPerSec / r.trivial.requestsPerSec);
    const row = (label: string, kind: Kind) =>
      `| ${label} | ${med((r) => r[kind].requestsPerSec).toFixed(0)} | ${med((r) => r[kind].p50)} | ${med((r) => r[kind].p99)} | ${ratio(kind).toFixed(2)} |`;
    const report = [
      `## The fixed cost of a request — ${new Date().toISOString()}`,
      '',
      `Machine: ${machine()} (shared: other sessions' work runs beside it). ${CONNECTIONS} connections, ${DURATION} s per run, ` +
        `${RUNS} runs, medians; ratios are per run, to the trivial route of the same run, then the median. ` +
        `Topology: ${process.env.BENCH_TOPOLOGY === 'split' ? 'split' : 'single process'}. Command: \`npm run bench:overhead\`.`,
      '',
      '| scenario | req/s | p50 ms | p99 ms | / trivial |',
      '|---|---:|---:|---:|---:|',
      row('trivial Nest-on-Fastify GET (yardstick)', 'trivial'),
      row('GET /health/live', 'live'),
      row('GET /api/v1/staff/me (authenticated)', 'me'),
      '',
      `API process at the end: ${memory}.`,
      '',
    ].join('\n');
    console.log(`\n${report}`);
    console.log(`written to ${writeReport('overhead', report)}`);
  } catch (err) {
    console.error(err, server.output());
    process.exitCode = 1;
  } finally {
    await Promise.all([trivial.stop(), server.stop()]);
    await deleteQueueKeys(server.queuePrefix);
    await dropDatabase(databaseUrl);
  }
}

void main();
