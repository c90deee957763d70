import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { customerBody, faultBody, mobile } from '../support/factories';
import type { PrivateRedis } from '../support/redis-server';
import { freePort, startRedisServer } from '../support/redis-server';
import { waitFor } from '../support/wait';
import type { ChildApp, DatabaseCopy } from '../support/worker-process';
import { API_ENTRY, createDatabaseCopy, ensureBuilt, outputs, spawnBuilt, waitReady } from '../support/worker-process';

/**
 * The API process is SIGKILLed in the middle of a burst of POST /faults with
 * Idempotency-Keys, with requests in four states at that instant:
 *
 * - answered:    committed and answered before the kill;
 * - committed:   committed, their answers not yet stored (their post-commit
 *                work is held up by a Redis that stopped answering: SIGSTOP);
 * - late:        their write still running in PostgreSQL (waiting on a row lock
 *                this test holds); it commits after the process is gone, as
 *                PostgreSQL finishes a statement whose client died;
 * - uncommitted: the same, but PostgreSQL ends those sessions before the lock
 *                is released (it noticed the dead client): nothing commits.
 *
 * A second API process then gets a retry of every key. Each must end with
 * exactly one fault and the right answer: the stored one, one rebuilt from
 * the committed fault, or, for the uncommitted ones, a run of its own after
 * the key was taken over (IDEMPOTENCY_ABANDON_SECONDS=2).
 */

const ABANDON_SECONDS = 2;
const PER_STATE = 3;

interface Answer {
  status: number;
  body: any;
  replayed: boolean;
}

describe('Idempotency-Keys across a kill -9 of the API process', () => {
  let redis: PrivateRedis;
  let db: DatabaseCopy;
  const clients: Client[] = [];
  const children: ChildApp[] = [];
  const adminPassword = randomBytes(12).toString('base64url');

  beforeAll(async () => {
    await ensureBuilt();
    redis = await startRedisServer();
    db = await createDatabaseCopy();
  }, 150_000);

  afterAll(async () => {
    await Promise.all(children.map((c) => c.stop(5000)));
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await db?.drop();
    await redis?.stop();
  }, 30_000);

  const pg = async () => {
    const c = new Client({ connectionString: db.url });
    clients.push(c);
    await c.connect();
    return c;
  };

  it('leaves every key with exactly one fault and the right answer', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      NODE_ENV: 'test',
      DATABASE_URL: db.url,
      DATABASE_POOL_SIZE: '20',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: `{focus-one-test-crash-${randomBytes(4).toString('hex')}}`,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      ADMIN_PASSWORD: adminPassword,
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      IDEMPOTENCY_ABANDON_SECONDS: String(ABANDON_SECONDS),
    };
    const q = await pg();
    const rows = async <T = any>(sql: string, params: unknown[] = []) => (await q.query(sql, params)).rows as T[];

    const first = spawnBuilt('api-1', API_ENTRY, env);
    children.push(first);
    try {
      await waitReady(first, base);
      const login = await fetch(`${base}/api/v1/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: adminPassword }),
      });
      const { accessToken } = (await login.json()) as { accessToken: string };
      const call = async (path: string, body: unknown, key?: string): Promise<Answer> => {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${accessToken}`,
            'content-type': 'application/json',
            ...(key ? { 'idempotency-key': key } : {}),
          },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null, replayed: res.headers.get('idempotent-replayed') === 'true' };
      };
      const customer = async () => {
        const res = await call('/api/v1/customers', customerBody());
        if (res.status !== 201) throw new Error(`customer: ${res.status} ${JSON.stringify(res.body)}`);
        return res.body.id as string;
      };
      // A fault's insert checks its customer row (KEY SHARE): a lock on the row holds the write in PostgreSQL.
      const [free, lateCustomer, lostCustomer] = [await customer(), await customer(), await customer()];
      const run = randomBytes(3).toString('hex');
      const request = (state: string, i: number, customerId: string) => ({
        state,
        key: `${state}-${run}-${i}`,
        title: `kill-9 ${state} #${i} ${run}`,
        customerId,
        mobile: mobile(), // a retry sends the same body
      });
      const bodyOf = (r: { title: string; customerId: string; mobile: string }) =>
        faultBody(r.customerId, { severity: 'major', title: r.title, description: '光缆被挖断', reporterMobile: r.mobile });
      const several = (state: string, customerId: string) => Array.from({ length: PER_STATE }, (_, i) => request(state, i, customerId));
      const answered = several('answered', free);
      const committed = several('committed', free);
      const late = several('late', lateCustomer);
      const uncommitted = several('uncommitted', lostCustomer);
      const all = [...answered, ...committed, ...late, ...uncommitted];
      const send = (r: (typeof all)[number]) => call('/api/v1/faults', bodyOf(r), r.key);
      const faultsTitled = async (title: string) => rows<{ id: string }>(`SELECT id FROM faults WHERE title = $1`, [title]);
      const oneFaultEach = async (rs: { title: string }[]) =>
        (await rows(`SELECT title FROM faults WHERE title = ANY($1) GROUP BY title HAVING count(*) = 1`, [rs.map((r) => r.title)]))
          .length === rs.length;
      const waitingOn = async (holder: Client) => {
        const [{ pid }] = (await holder.query('SELECT pg_backend_pid() AS pid')).rows;
        return rows<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))`, [pid]);
      };

      // answered: done before the kill.
      const before = await Promise.all(answered.map(send));
      expect(before.map((a) => a.status)).toEqual(answered.map(() => 201));

      // late and uncommitted: claimed, their writes waiting on the customer rows this test locks.
      const lateLock = await pg();
      const lostLock = await pg();
      for (const [lock, customerId] of [
        [lateLock, lateCustomer],
        [lostLock, lostCustomer],
      ] as const) {
        await lock.query('BEGIN');
        await lock.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [customerId]);
      }
      const inFlight = [...late, ...uncommitted].map((r) => send(r).catch(() => null)); // cut off by the kill
      await waitFor(
        async () => (await waitingOn(lateLock)).length === PER_STATE && (await waitingOn(lostLock)).length === PER_STATE,
        15_000,
        'the late and uncommitted writes waiting on the locks',
      );

      // committed: Redis stops answering, so their post-commit work (timers, dispatch) holds their answers back.
      redis.pause();
      const cut = committed.map((r) => send(r).catch(() => null));
      await waitFor(() => oneFaultEach(committed), 15_000, 'the committed faults');
      await first.kill();
      redis.resume();
      await Promise.all([...inFlight, ...cut]);
      for (const r of [...late, ...uncommitted]) expect(await faultsTitled(r.title)).toEqual([]);

      // PostgreSQL ends the sessions of the uncommitted writes; the late ones go on and commit once their lock is gone.
      for (const { pid } of await waitingOn(lostLock)) await q.query('SELECT pg_terminate_backend($1)', [pid]);
      await lostLock.query('ROLLBACK');
      await lateLock.query('ROLLBACK');
      await waitFor(() => oneFaultEach(late), 15_000, 'the late faults');

      // What the dead process left: some keys committed without an answer, some not committed at all.
      const keys = await rows<{ key: string; state: string; committed: boolean }>(
        `SELECT k.key, k.state, c.key IS NOT NULL AS committed FROM idempotency_keys k
           LEFT JOIN idempotency_commits c USING (owner_id, key) WHERE k.key = ANY($1)`,
        [all.map((r) => r.key)],
      );
      const left = (r: { key: string }) => keys.find((k) => k.key === r.key);
      expect(all.map((r) => ({ key: r.key, state: left(r)?.state, committed: left(r)?.committed }))).toEqual(
        all.map((r) => ({
          key: r.key,
          state: r.state === 'answered' ? 'completed' : 'processing',
          committed: r.state !== 'uncommitted',
        })),
      );
      for (const r of uncommitted) expect(await faultsTitled(r.title)).toEqual([]);

      // A new API process; every client retries its key.
      const second = spawnBuilt('api-2', API_ENTRY, env);
      children.push(second);
      await waitReady(second, base);
      const after = await Promise.all(all.map(send));

      // Replayed (stored or rebuilt) where something was committed; run once where nothing was.
      expect(all.map((r, i) => ({ key: r.key, status: after[i].status, replayed: after[i].replayed }))).toEqual(
        all.map((r) => ({ key: r.key, status: 201, replayed: r.state !== 'uncommitted' })),
      );
      for (const [i, r] of all.entries()) {
        const faults = await faultsTitled(r.title);
        expect({ key: r.key, faults }).toEqual({ key: r.key, faults: [{ id: after[i].body.id }] });
      }
      answered.forEach((r, i) => expect({ key: r.key, body: after[i].body }).toEqual({ key: r.key, body: before[i].body }));
      for (const [i, r] of all.entries()) expect({ key: r.key, title: after[i].body.title }).toEqual({ key: r.key, title: r.title });

      // And from now on every key replays the same answer.
      const again = await Promise.all(all.map(send));
      expect(again.map((a) => [a.status, a.replayed, a.body.id])).toEqual(after.map((a) => [201, true, a.body.id]));
      await second.stop();
    } catch (err) {
      process.stderr.write(`\nidempotency-crash: output of the API processes\n${outputs(children)}\n`);
      throw err;
    }
  }, 120_000);
});
