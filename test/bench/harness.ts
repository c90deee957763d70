/**
 * Shared by the benchmarks: a dedicated database, the built server as a child
 * process, autocannon runs and medians. Benchmarks print markdown and write
 * it to test/bench/results/ (git-ignored).
 */
import autocannon from 'autocannon';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import IORedis from 'ioredis';
import { Client } from 'pg';
import { creditCodeCheckChar } from '../../src/customers/credit-code';

export const ROOT = path.resolve(__dirname, '../../..'); // dist/test/bench → project root
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export const envInt = (name: string, fallback: number) => {
  const v = process.env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
  return n;
};

export function benchDatabaseUrl(defaultName: string): string {
  const url = process.env.BENCH_DATABASE_URL || `postgres://postgres@127.0.0.1:5432/${defaultName}`;
  const name = new URL(url).pathname.slice(1);
  if (!name.includes('bench')) throw new Error(`refusing to use database "${name}": a benchmark database name must contain "bench"`);
  return url;
}

export async function recreateDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.query(`CREATE DATABASE "${name}"`);
  } finally {
    await c.end();
  }
}

/** Drops a benchmark's database at the end of its run (what `recreateDatabase` made). */
export async function dropDatabase(url: string): Promise<void> {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const c = new Client({ connectionString: u.toString() });
  await c.connect();
  try {
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await c.end();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface BenchServer {
  url: string;
  adminPassword: string;
  queuePrefix: string;
  process: ChildProcess;
  /** The workers' process with BENCH_TOPOLOGY=split (null when they run in `process`). */
  worker: ChildProcess | null;
  output: () => string;
  stop(): Promise<void>;
}

/**
 * How an npm script of package.json starts Node (`start`: `node
 * --max-semi-space-size=16 --max-old-space-size=1024 dist/src/main.js --with-workers`): its variables
 * and its Node flags, so a benchmark starts the server as `npm start` does.
 */
export function launchOf(script: string): { env: Record<string, string>; flags: string[] } {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const command = pkg.scripts[script].split('&&').pop()!.trim().split(/\s+/);
  const env: Record<string, string> = {};
  while (/^\w+=/.test(command[0])) {
    const [name, ...value] = command.shift()!.split('=');
    env[name] = value.join('=');
  }
  if (command.shift() !== 'node') throw new Error(`npm script ${script} does not start node: ${pkg.scripts[script]}`);
  return { env, flags: command.filter((word, i) => word.startsWith('--') && command.slice(0, i).every((w) => w.startsWith('--'))) };
}

/**
 * Starts the built server and waits for readiness: API and workers in one
 * process, as `npm start` does, or with BENCH_TOPOLOGY=split as two processes
 * (`start:api` + `start:worker`, the production layout), to see what each side
 * costs; with each script's variables and Node flags (launchOf).
 */
export async function startServer(databaseUrl: string, env: Record<string, string> = {}): Promise<BenchServer> {
  const port = await freePort();
  const adminPassword = randomBytes(15).toString('base64url');
  const queuePrefix = `{focus-one-bench-${randomBytes(3).toString('hex')}}`;
  const split = process.env.BENCH_TOPOLOGY === 'split';
  let out = '';
  const childEnv = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    JWT_SECRET: randomBytes(48).toString('base64url'),
    ADMIN_PASSWORD: adminPassword,
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT_MAX: '100000',
    AUTH_ADDRESS_RATE_LIMIT_MAX: '100000',
    ...env,
  };
  const run = (script: string, entry: string, args: string[] = []) => {
    const launch = launchOf(script);
    const p = spawn(process.execPath, [...launch.flags, path.join(ROOT, entry), ...args], {
      cwd: ROOT,
      env: { ...launch.env, ...childEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    p.stdout.on('data', (d) => (out = (out + d).slice(-20_000)));
    p.stderr.on('data', (d) => (out = (out + d).slice(-20_000)));
    return p;
  };
  const child = split ? run('start:api', 'dist/src/main.js') : run('start', 'dist/src/main.js', ['--with-workers']);
  const worker = split ? run('start:worker', 'dist/src/worker.js') : null;
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${out}`);
    try {
      if ((await fetch(`${url}/health/ready`)).ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`server not ready in 60 s:\n${out}`);
    await sleep(200);
  }
  const stopOne = async (p: ChildProcess) => {
    if (p.exitCode !== null) return;
    p.kill('SIGTERM');
    for (let i = 0; i < 50 && p.exitCode === null; i++) await sleep(100);
    if (p.exitCode === null) p.kill('SIGKILL');
  };
  const stop = async () => {
    await Promise.all([stopOne(child), ...(worker ? [stopOne(worker)] : [])]);
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  return { url, adminPassword, queuePrefix, process: child, worker, output: () => out, stop };
}

/** A helper server of the benchmarks (the trivial yardstick, the bare intake) as its own process, as the real server is. */
export async function startHelper(
  script: string,
  env: Record<string, string> = {},
  livePath = '/live',
): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(__dirname, script)], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: 'inherit',
  });
  const url = `http://127.0.0.1:${port}`;
  // Resolves once the process has exited: what it wrote (keys, rows) is all there, so clean-up can follow.
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${url}${livePath}`)).ok) return { url, stop };
    } catch {
      /* starting */
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not start`);
}

/** The trivial Nest-on-Fastify route (trivial-server.ts): GET {url}/live. */
export const startTrivial = () => startHelper('trivial-server.js');

/** A process's resident set (from /proc), in MB, now or (`VmHWM`) its peak so far; NaN where /proc is not there. */
export function residentMb(pid: number | undefined, field: 'VmRSS' | 'VmHWM' = 'VmRSS'): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    return kb / 1024;
  } catch {
    return NaN;
  }
}

/** The API process's RSS (from /proc) and V8 heap (its own /metrics), as the benchmarks report them at the end. */
export async function apiMemory(server: { url: string; process: { pid?: number } }): Promise<string> {
  const rss = residentMb(server.process.pid);
  let heap = NaN;
  try {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    heap = Number(/^nodejs_heap_size_used_bytes (\S+)/m.exec(metrics)?.[1]) / 2 ** 20;
  } catch {
    /* no metrics: heap unknown */
  }
  // The peak too: the RSS at the end depends on when the last collections ran; the peak bounds what the run needed.
  return `RSS ${rss.toFixed(0)} MB (peak ${residentMb(server.process.pid, 'VmHWM').toFixed(0)} MB), V8 heap used ${heap.toFixed(0)} MB`;
}

export async function token(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!res.ok) throw new Error(`login failed ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { accessToken: string }).accessToken;
}

export async function api<T = unknown>(url: string, bearer: string, method: string, pathname: string, body?: unknown): Promise<T> {
  const res = await fetch(`${url}${pathname}`, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${pathname} → ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

const TIERS = ['strategic', 'key', 'standard'] as const;

/** The i-th benchmark customer's unified social credit code (a valid GB 32100 check character). */
export function benchCreditCode(i: number): string {
  const body = `9144${String(i).padStart(13, '0')}`;
  return body + creditCodeCheckChar(body);
}

export interface BenchCustomer {
  id: string;
  siteIds: string[];
}

/**
 * Creates `count` customers through the API, the i-th with one site in each
 * of `regionsOf(i)` (the first is its home region), every tier and every
 * seventh one green-channel.
 */
export async function createCustomers(
  url: string,
  bearer: string,
  count: number,
  regionsOf: (i: number) => string[],
): Promise<BenchCustomer[]> {
  const out: BenchCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const regions = regionsOf(i);
    const c = await api<{ id: string; sites: { id: string }[] }>(url, bearer, 'POST', '/api/v1/customers', {
      name: `基准测试客户${i}号有限公司`,
      creditCode: benchCreditCode(i),
      tier: TIERS[i % 3],
      industry: 'manufacturing',
      homeRegion: regions[0],
      greenChannel: i % 7 === 0,
      contacts: [{ name: '联系人', mobile: `139${String(i).padStart(8, '0')}`, role: 'primary' }],
      sites: regions.map((region, k) => ({ name: `站点${k}`, region, address: '测试路1号' })),
    });
    out.push({ id: c.id, siteIds: c.sites.map((site) => site.id) });
  }
  return out;
}

export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

export async function load(opts: autocannon.Options): Promise<LoadResult> {
  const r = await autocannon({ ...opts });
  return {
    requestsPerSec: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    total: r.requests.total,
  };
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export const percentile = (xs: number[], p: number) => {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};

export function machine(): string {
  return `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
}

export function writeReport(name: string, markdown: string): string {
  const dir = path.join(ROOT, 'test/bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.md`);
  writeFileSync(file, markdown);
  return path.relative(ROOT, file);
}

/** Removes every Redis key of a run's queue prefix (thousands of delayed SLA timers would otherwise stay behind). */
export async function deleteQueueKeys(prefix: string): Promise<number> {
  const redis = new IORedis(REDIS_URL);
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5000);
      if (keys.length) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}
