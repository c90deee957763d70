import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { TEST_DATABASE_URL, adminQuery, assertTestDatabase, withDatabaseName } from './test-database';
import { exitsWithin, waitFor } from './wait';

/**
 * The BUILT app as child processes (`node dist/src/main.js` for the API,
 * `node dist/src/worker.js` for the workers), the way production runs many
 * of them on one PostgreSQL and one Redis, so a test can SIGKILL one.
 */

export const ROOT = resolve(__dirname, '../..');
export const API_ENTRY = join(ROOT, 'dist/src/main.js');
export const WORKER_ENTRY = join(ROOT, 'dist/src/worker.js');

function newest(dir: string, keep: (file: string) => boolean): number {
  if (!existsSync(dir)) return 0;
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) latest = Math.max(latest, newest(path, keep));
    else if (keep(entry.name)) latest = Math.max(latest, statSync(path).mtimeMs);
  }
  return latest;
}

/** Builds dist when it is missing or older than the sources it is made from (as startup.e2e-spec does). */
export async function ensureBuilt(): Promise<void> {
  const sources = Math.max(...['src', 'migrations'].map((d) => newest(join(ROOT, d), (f) => f.endsWith('.ts') && !f.endsWith('.spec.ts'))));
  const built = Math.max(...['dist/src', 'dist/migrations'].map((d) => newest(join(ROOT, d), (f) => f.endsWith('.js'))));
  if (existsSync(API_ENTRY) && existsSync(WORKER_ENTRY) && built >= sources) return;
  await new Promise<void>((done, fail) => {
    execFile('npm', ['run', 'build'], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? fail(new Error(`npm run build failed:\n${stdout}\n${stderr}`)) : done(),
    );
  });
}

export interface ChildApp {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  alive(): boolean;
  /** SIGKILL: no shutdown hook runs, jobs in flight are left active in Redis, transactions are cut. */
  kill(): Promise<void>;
  /** SIGTERM, then SIGKILL after `ms`. */
  stop(ms?: number): Promise<void>;
}

/** Starts a built entry point with exactly `env` (nothing inherited but PATH), on the Node running the tests. */
export function spawnBuilt(name: string, entry: string, env: Record<string, string>, args: string[] = []): ChildApp {
  const child = spawn(process.execPath, [entry, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
    child.on('exit', (code, signal) => ok({ code, signal })),
  );
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    name,
    child,
    output: () => output,
    exited,
    alive,
    async kill() {
      if (alive()) child.kill('SIGKILL');
      await exited;
    },
    async stop(ms = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      const stopped = await exitsWithin(exited, ms);
      if (!stopped) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** The end of a child's output, for failure messages. */
export const tail = (output: string, lines = 40) => output.split('\n').slice(-lines).join('\n');

/** Every child's output tail, labelled (for a failing assertion's message). */
export const outputs = (apps: ChildApp[]) =>
  apps.map((a) => `----- ${a.name}${a.alive() ? '' : ' (exited)'} -----\n${tail(a.output())}`).join('\n');

/** Polls `${base}/health/ready` until 200; fails at once if the process dies. */
export async function waitReady(app: ChildApp, base: string, ms = 60_000): Promise<void> {
  const ready = async () => {
    if (!app.alive()) throw new Error(`${app.name} exited before it was ready:\n${tail(app.output())}`);
    return (await fetch(`${base}/health/ready`).catch(() => undefined))?.status === 200;
  };
  await waitFor(ready, ms, `${app.name} to be ready`, 100).catch((err: Error) => {
    throw app.alive() ? new Error(`${err.message}:\n${tail(app.output())}`) : err;
  });
}

export interface DatabaseCopy {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/**
 * A private copy of the migrated test database, named
 * `<template>_<unix seconds>_<random>` so global-setup drops it after an hour
 * if the run is interrupted before `drop()`.
 */
export async function createDatabaseCopy(): Promise<DatabaseCopy> {
  const template = assertTestDatabase(TEST_DATABASE_URL);
  const name = `${template}_${Math.floor(Date.now() / 1000)}_${randomBytes(5).toString('hex')}`;
  const url = withDatabaseName(TEST_DATABASE_URL, name);
  assertTestDatabase(url);
  await adminQuery(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  return { name, url, drop: async () => void (await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}
