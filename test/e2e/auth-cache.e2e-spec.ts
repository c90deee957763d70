import IORedis from 'ioredis';
import { PrincipalCache } from '../../src/staff/principal-cache';
import { freePort } from '../support/redis-server';
import { TEST_REDIS_URL } from '../support/test-database';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';
import { waitFor } from '../support/wait';
import type { ChildApp } from '../support/worker-process';
import { API_ENTRY, ensureBuilt, spawnBuilt, waitReady } from '../support/worker-process';

/**
 * Authentication answers from each API process's cached staff rows
 * (src/staff/principal-cache.ts, issue 15) and still revokes at once across
 * processes: two API processes on one database and one Redis prefix, the test
 * app in this process (A) and the built app as a child process (B). Both run
 * with a cache TTL of a minute, so only the Redis invalidation (or the
 * fallback when it is down) can explain a refusal within a second.
 */
describe('principal cache across API processes', () => {
  let a: TestApp;
  let b: ChildApp;
  let bUrl: string;
  const TTL = '60000';

  const asB = (login: { token: string }, path: string, init: RequestInit = {}) =>
    fetch(`${bUrl}${path}`, { ...init, headers: { ...bearer(login), 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const statusOnA = async (login: { token: string }, path: string) => (await a.http().get(path).set(bearer(login))).status;
  const statusOnB = async (login: { token: string }, path: string) => (await asB(login, path)).status;

  beforeAll(async () => {
    await ensureBuilt();
    a = await startTestApp({ AUTH_CACHE_TTL_MS: TTL });
    const port = await freePort();
    bUrl = `http://127.0.0.1:${port}`;
    b = spawnBuilt('api-b', API_ENTRY, {
      NODE_ENV: 'test',
      DATABASE_URL: a.config.database.url,
      REDIS_URL: TEST_REDIS_URL,
      QUEUE_PREFIX: a.config.redis.queuePrefix,
      JWT_SECRET: a.config.auth.jwtSecret,
      ADMIN_USERNAME: 'admin',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      AUTH_CACHE_TTL_MS: TTL,
    });
    await waitReady(b, bUrl);
  }, 180_000);

  afterAll(async () => {
    await b?.stop(10_000);
    await a?.close();
  }, 60_000);

  /** Both processes have answered for this staff member, so both hold them in their cache. */
  async function cachedOnBoth(login: StaffLogin, path = '/api/v1/staff/me'): Promise<void> {
    await waitFor(() => a.app.get(PrincipalCache).listening, 10_000, 'A subscribed to staff changes');
    // B subscribes on its first authenticated request: its answers are cached once it is up.
    for (let i = 0; i < 3; i++) {
      expect(await statusOnA(login, path)).toBe(200);
      expect(await statusOnB(login, path)).toBe(200);
    }
  }

  it('refuses a deactivated user on both processes within a second', async () => {
    const agent = await a.staff(['agent'], ['440000']);
    await cachedOnBoth(agent);
    const res = await a
      .http()
      .post(`/api/v1/staff/${agent.id}/deactivate`)
      .set(bearer(a.admin))
      .set('Idempotency-Key', `deact-${agent.id}`);
    expect(res.status).toBe(200);
    await waitFor(async () => (await statusOnA(agent, '/api/v1/staff/me')) === 401, 1_000, 'A refusing the deactivated user');
    await waitFor(async () => (await statusOnB(agent, '/api/v1/staff/me')) === 401, 1_000, 'B refusing the deactivated user');
  });

  it('applies a role change made through the other process on the next request', async () => {
    const director = await a.staff(['director'], ['440000']);
    await cachedOnBoth(director, '/api/v1/staff');
    const { version } = (await a.http().get(`/api/v1/staff/${director.id}`).set(bearer(a.admin)).expect(200)).body as { version: number };
    const patched = await asB(a.admin, `/api/v1/staff/${director.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ roles: ['agent'], expectedVersion: version }),
    });
    expect(patched.status).toBe(200);
    await waitFor(async () => (await statusOnA(director, '/api/v1/staff')) === 403, 1_000, 'A applying the new roles');
    expect(await statusOnB(director, '/api/v1/staff')).toBe(403);
  });

  it('reads the database while the subscription is down (a change it could not hear of still applies)', async () => {
    const agent = await a.staff(['agent'], ['440000']);
    await cachedOnBoth(agent);
    // A change made where nothing publishes it: with the subscription up, the cached copy stands (for the TTL)...
    await a.dataSource.query(`UPDATE staff SET active = false, token_version = token_version + 1 WHERE id = $1`, [agent.id]);
    expect(await statusOnA(agent, '/api/v1/staff/me')).toBe(200);
    // ...and once A's subscription is cut, A reads the database again.
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const name = `${a.config.redis.queuePrefix}:principal-changed:sub`;
      const clients = (await redis.client('LIST')) as string;
      const ids = clients
        .split('\n')
        .filter((line) => line.includes(` name=${name} `))
        .map((line) => /^id=(\d+)/.exec(line)?.[1]);
      expect(ids.length).toBeGreaterThan(0);
      for (const id of ids) await redis.client('KILL', 'ID', id!);
    } finally {
      redis.disconnect();
    }
    await waitFor(async () => (await statusOnA(agent, '/api/v1/staff/me')) === 401, 5_000, 'A refusing once its subscription dropped');
    // and it resubscribes by itself
    await waitFor(() => a.app.get(PrincipalCache).listening, 10_000, 'A subscribed again');
  });
});
