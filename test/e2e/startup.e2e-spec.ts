import IORedis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { migrations } from '../../migrations';
import { freePort } from '../support/redis-server';
import { TEST_DATABASE_URL, TEST_REDIS_URL, adminQuery, assertTestDatabase, withDatabaseName } from '../support/test-database';
import { waitFor } from '../support/wait';
import type { ChildApp } from '../support/worker-process';
import { API_ENTRY as MAIN, ensureBuilt, spawnBuilt, tail, waitReady } from '../support/worker-process';

/**
 * Runs the built app (`node dist/src/main.js`, what `npm start` runs) as a
 * child process, the way an operator starts it: config errors, a first start
 * on an empty machine, a restart, a graceful stop.
 */

type Started = ChildApp;

/** Starts the built app with exactly this environment (nothing inherited but PATH). */
const startApp = (env: Record<string, string>, args: string[] = []): Started => spawnBuilt('api', MAIN, env, args);

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no result in ${ms} ms`)), ms))),
  ]);
}

async function stop(app: Started): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (app.child.exitCode === null && app.child.signalCode === null) app.child.kill('SIGTERM');
  return within(app.exited, 15_000, 'graceful stop after SIGTERM');
}

const databaseExists = async (name: string) => (await adminQuery('SELECT 1 FROM pg_database WHERE datname = $1', [name])).length > 0;

/** Parsed JSON log lines (anything else is ignored). */
const jsonLines = (output: string) =>
  output
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        return undefined;
      }
    })
    .filter((l): l is Record<string, unknown> => !!l);

describe('starting the built app', () => {
  const tag = randomBytes(4).toString('hex');
  const dbName = `${assertTestDatabase(TEST_DATABASE_URL)}_startup_${tag}`;
  const untouchedDb = `${dbName}_untouched`;
  const queuePrefix = `{focus-one-test-startup-${tag}}`;
  const started: Started[] = [];
  const launch = (env: Record<string, string>, args?: string[]) => {
    const app = startApp(env, args);
    started.push(app);
    return app;
  };
  const baseEnv = () => ({
    DATABASE_URL: withDatabaseName(TEST_DATABASE_URL, dbName),
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: queuePrefix,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
  });

  beforeAll(async () => {
    assertTestDatabase(withDatabaseName(TEST_DATABASE_URL, dbName));
    await ensureBuilt();
  }, 150_000);

  afterAll(async () => {
    for (const app of started) await stop(app).catch(() => app.child.kill('SIGKILL'));
    await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await adminQuery(`DROP DATABASE IF EXISTS "${untouchedDb}" WITH (FORCE)`);
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${queuePrefix}*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }, 30_000);

  describe('refuses a bad configuration before touching anything', () => {
    const refused = async (env: Record<string, string>) => {
      const app = launch({
        ...baseEnv(),
        DATABASE_URL: withDatabaseName(TEST_DATABASE_URL, untouchedDb),
        PORT: String(await freePort()),
        ...env,
      });
      const { code } = await within(app.exited, 15_000, 'exit on bad configuration');
      expect(code).not.toBe(0);
      expect(await databaseExists(untouchedDb)).toBe(false);
      return app.output();
    };

    it('exits naming JWT_SECRET when production has none', async () => {
      const output = await refused({ NODE_ENV: 'production' });
      expect(output).toMatch(/JWT_SECRET: .*at least 32/);
    });

    it('exits naming JWT_SECRET when production has a short one', async () => {
      const output = await refused({ NODE_ENV: 'production', JWT_SECRET: 'too-short-for-production' });
      expect(output).toMatch(/JWT_SECRET/);
      expect(output).not.toContain('too-short-for-production');
    });

    it('exits naming PORT when it is not a port number', async () => {
      const output = await refused({ PORT: 'abc' });
      expect(output).toMatch(/PORT: /);
      expect(output).not.toMatch(/JWT_SECRET: /);
    });
  });

  describe('on an empty machine', () => {
    let port: number;
    let base: string;
    let first: Started;
    let password: string;
    const jwtSecret = randomBytes(48).toString('base64url');

    beforeAll(async () => {
      await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
      port = await freePort();
      base = `http://127.0.0.1:${port}`;
      first = launch({ ...baseEnv(), NODE_ENV: 'production', JWT_SECRET: jwtSecret, PORT: String(port) }, ['--with-workers']);
      await waitReady(first, base);
    }, 40_000);

    it('created and migrated its database', async () => {
      expect(await databaseExists(dbName)).toBe(true);
      const client = new Client({ connectionString: withDatabaseName(TEST_DATABASE_URL, dbName) });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
        expect(rows.map((r) => r.name).sort()).toEqual(migrations.map((m) => m.name).sort());
      } finally {
        await client.end();
      }
    });

    it('answers readiness with PostgreSQL and Redis up', async () => {
      const res = await fetch(`${base}/health/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', info: { postgres: { status: 'up' }, redis: { status: 'up' } } });
    });

    it('printed a generated admin password exactly once, and it signs in', async () => {
      const output = first.output();
      const printed = [...output.matchAll(/generated password: ([^\s"\\]+)/g)].map((m) => m[1]);
      expect(printed).toHaveLength(1);
      password = printed[0];
      expect(password.length).toBeGreaterThanOrEqual(12);
      expect(output.split(password)).toHaveLength(2);

      const res = await fetch(`${base}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      expect(res.status).toBe(200);
      const { accessToken } = (await res.json()) as { accessToken: string };
      const me = await fetch(`${base}/api/v1/staff/me`, { headers: { authorization: `Bearer ${accessToken}` } });
      expect(await me.json()).toMatchObject({ username: 'admin', roles: ['admin'] });
    });

    it('logs one JSON line per request with its request id, and never a token', async () => {
      const login = await fetch(`${base}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const requestId = `startup-${tag}`;
      const me = await fetch(`${base}/api/v1/staff/me`, { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': requestId } });
      expect(me.headers.get('x-request-id')).toBe(requestId);
      const dashboard = await fetch(`${base}/queues?token=${accessToken}`, { redirect: 'manual' });
      expect(dashboard.status).toBe(303);

      // The app writes its log lines in order: once a later request's line is out, every line of the first one is.
      const later = `${requestId}-later`;
      await fetch(`${base}/api/v1/staff/me`, { headers: { authorization: `Bearer ${accessToken}`, 'x-request-id': later } });
      const logged = (id: string) => jsonLines(first.output()).filter((l) => (l.req as { id?: string } | undefined)?.id === id);
      await waitFor(() => logged(later).length > 0, 10_000, 'the later request in the log');
      const mine = logged(requestId);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        service: 'focus-one',
        msg: 'request completed',
        req: { id: requestId, method: 'GET', url: '/api/v1/staff/me', headers: expect.objectContaining({ authorization: '[redacted]' }) },
        res: { statusCode: 200 },
      });
      // neither the bearer header nor the dashboard's ?token= reach the logs; the password was printed once only
      expect(first.output()).not.toContain(accessToken);
      expect(first.output().split(password)).toHaveLength(2);
      expect(first.output()).not.toContain(jwtSecret);
    });

    it('stops cleanly on SIGTERM', async () => {
      const { code, signal } = await stop(first);
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
      expect(await fetch(`${base}/health/live`).catch(() => 'refused')).toBe('refused');
    }, 20_000);

    it('restarts on the same database without creating or printing an admin again', async () => {
      const again = launch({ ...baseEnv(), NODE_ENV: 'production', JWT_SECRET: jwtSecret, PORT: String(port) }, ['--with-workers']);
      await waitReady(again, base);
      expect(again.output()).not.toMatch(/generated password/);
      const res = await fetch(`${base}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password }),
      });
      if (res.status !== 200) throw new Error(`login after restart: ${res.status} ${await res.text()}\n${tail(again.output())}`);
      const { code, signal } = await stop(again);
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
    }, 40_000);
  });
});
