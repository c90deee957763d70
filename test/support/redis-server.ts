import IORedis from 'ioredis';
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exitsWithin, waitFor } from './wait';

/**
 * A private `redis-server` for tests that must do what no test may do to the
 * machine's shared Redis on 6379 (which other suites and people use at the
 * same time): FLUSHALL it. Started on a free port with nothing kept on disk
 * and `noeviction` (what BullMQ needs; docs/ARCHITECTURE.md, "Invariants");
 * `flushall()` first checks that it really talks to this child process.
 */
export interface PrivateRedis {
  port: number;
  url: string;
  /** FLUSHALL on this server only (refuses if the server answering is not the one started here). */
  flushall(): Promise<void>;
  /** What redis-server printed, for failure messages. */
  output(): string;
  /** SIGSTOP: connections stay open but nothing is answered (a Redis that hangs, not one that is down). */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  await new Promise((ok) => server.close(ok));
  return port;
}

/** Starts a private redis-server (the binary must be on PATH; CI installs the `redis-server` package). */
export async function startRedisServer(attempts = 3): Promise<PrivateRedis> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await startOnce(await freePort());
    } catch (err) {
      lastError = err; // most likely the port was taken between freePort() and the bind: try another
    }
  }
  throw lastError;
}

/** A private redis-server on a given port: how a test brings "the same" Redis back after stopping it (empty, as after a restart). */
export function startRedisServerOn(port: number): Promise<PrivateRedis> {
  return startOnce(port);
}

async function startOnce(port: number): Promise<PrivateRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'focus-one-redis-'));
  // prettier-ignore
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--daemonize', 'no',
    '--save', '', '--appendonly', 'no', '--maxmemory-policy', 'noeviction',
    '--dir', dir, '--logfile', '',
  ];
  const child: ChildProcess = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  let spawnError: Error | undefined;
  child.on('error', (err) => (spawnError = err));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const url = `redis://127.0.0.1:${port}`;

  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  const answering = async () => {
    if (spawnError) throw new Error(`could not start redis-server (is it installed?): ${spawnError.message}`);
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`redis-server on port ${port} exited at start:\n${output}`);
    return isOurs(url, child.pid!, port);
  };
  try {
    await waitFor(answering, 10_000, `redis-server on port ${port} to answer`);
  } catch (err) {
    child.kill('SIGKILL'); // a no-op if it has exited
    cleanup();
    throw err instanceof Error && err.message.startsWith('timed out') ? new Error(`${err.message}:\n${output}`) : err;
  }

  return {
    port,
    url,
    output: () => output,
    async flushall() {
      if (!(await isOurs(url, child.pid!, port)))
        throw new Error(`refusing to FLUSHALL: the server on port ${port} is not the private one`);
      const redis = new IORedis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await redis.connect();
        await redis.flushall();
      } finally {
        redis.disconnect();
      }
    },
    pause() {
      child.kill('SIGSTOP');
    },
    resume() {
      child.kill('SIGCONT');
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGCONT'); // a paused server would not act on SIGTERM
        child.kill('SIGTERM');
        const stopped = await exitsWithin(exited, 5000);
        if (!stopped) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      cleanup();
    },
  };
}

/** True when the server on `url` answers and is the process `pid` listening on `port`. */
async function isOurs(url: string, pid: number, port: number): Promise<boolean> {
  const redis = new IORedis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    const info = await redis.info('server');
    const field = (name: string) => new RegExp(`^${name}:(\\S+)`, 'm').exec(info)?.[1];
    return field('process_id') === String(pid) && field('tcp_port') === String(port);
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}
