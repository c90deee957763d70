import IORedis from 'ioredis';
import { createHmac } from 'node:crypto';
import { BillIssuer } from '../../src/billing/bill-issuer';
import { AuditRegions1795810000000 } from '../../migrations/1795810000000-audit-regions';
import { customerBody, faultBody } from '../support/factories';
import { TEST_REDIS_URL } from '../support/test-database';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

/**
 * The standing abuse suite for access and privilege: every role against the
 * money routes, every region against other regions' objects and the audit
 * log, sign-in spraying, privilege edges on the customer record, and tokens
 * that never expire. Each probe is one that once got through; none may again.
 */

const BEIJING = '110105';
const GUANGZHOU = '440106';

describe('abuse: region scope, privileges and sign-in', () => {
  let t: TestApp;
  let gdDirector: StaffLogin;
  let bjDirector: StaffLogin;
  let gdBilling: StaffLogin;
  let bjBilling: StaffLogin;
  let cnBilling: StaffLogin;
  let am: StaffLogin;
  let otherAm: StaffLogin;
  /** A customer with a home and a site in Beijing only, and one in Guangzhou only. */
  let beijingOnly: { id: string };
  let guangzhouOnly: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    [gdDirector, bjDirector, gdBilling, bjBilling, cnBilling, am, otherAm] = await Promise.all([
      t.staff(['director'], ['440000']),
      t.staff(['director'], ['110000']),
      t.staff(['billing'], ['440000']),
      t.staff(['billing'], ['110000']),
      t.staff(['billing'], ['CN']),
      t.staff(['account_manager'], ['440100']),
      t.staff(['account_manager'], ['440100']),
    ]);
    beijingOnly = await customer({
      name: '北京市朝阳区政务服务中心',
      homeRegion: BEIJING,
      sites: [{ name: '朝阳区政务大厅', region: BEIJING, address: '北京市朝阳区' }],
    });
    guangzhouOnly = await customer({
      name: '广州市天河区人民政府',
      homeRegion: GUANGZHOU,
      sites: [{ name: '天河区政府', region: GUANGZHOU, address: '广州市天河区' }],
    });
  });
  afterAll(() => t?.close());

  async function customer(overrides: Record<string, unknown>, who: StaffLogin = t.admin) {
    const res = await t.http().post('/api/v1/customers').set(bearer(who)).send(customerBody(overrides));
    if (res.status !== 201) throw new Error(`customer creation failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string; version: number };
  }
  const charge = (who: StaffLogin, body: Record<string, unknown>) => t.http().post('/api/v1/billing/charges').set(bearer(who)).send(body);
  const chargeBody = (customerId: string, serviceRegion: string, amountFen: number, extra: Record<string, unknown> = {}) => ({
    customerId,
    serviceRegion,
    period: '2026-06',
    kind: 'recurring',
    amountFen,
    description: '互联网专线月租',
    sourceRef: unique('ABUSE-'),
    ...extra,
  });
  const pay = async (who: StaffLogin, customerId: string, amountFen: number, collectedRegion: string) => {
    const res = await t.http().post('/api/v1/payments').set(bearer(who)).send({ customerId, amountFen, collectedRegion, method: 'cash' });
    if (res.status !== 201) throw new Error(`payment failed ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body as { id: string };
  };
  const balance = async (customerId: string) =>
    (await t.http().get(`/api/v1/customers/${customerId}/account`).set(bearer(cnBilling)).expect(200)).body.balanceFen as number;

  describe('money routes respect region scope', () => {
    it('lets a Guangdong director reverse neither a Beijing payment of a Beijing-only customer nor see it: 404, as for the customer', async () => {
      const p = await pay(bjBilling, beijingOnly.id, 10_000, BEIJING);
      await t.http().get(`/api/v1/customers/${beijingOnly.id}`).set(bearer(gdDirector)).expect(404);
      const reversal = await t
        .http()
        .post(`/api/v1/payments/${p.id}/reverse`)
        .set(bearer(gdDirector))
        .send({ reason: '越权冲正' })
        .expect(404);
      expect(reversal.body.code).toBe('PAYMENT_NOT_FOUND');
      // nothing changed: the payment is still live, and its region's director may reverse it
      const [row] = await t.dataSource.query(`SELECT reversed_at FROM payments WHERE id = $1`, [p.id]);
      expect(row.reversed_at).toBeNull();
      await t.http().post(`/api/v1/payments/${p.id}/reverse`).set(bearer(bjDirector)).send({ reason: '重复收款' }).expect(200);
    });

    it('lets a director reverse a payment collected in their scope, even for a customer outside it (pay anywhere)', async () => {
      const p = await pay(gdBilling, beijingOnly.id, 5_000, GUANGZHOU);
      await t.http().get(`/api/v1/payments/${p.id}`).set(bearer(gdDirector)).expect(200);
      await t.http().post(`/api/v1/payments/${p.id}/reverse`).set(bearer(gdDirector)).send({ reason: '收款错误' }).expect(200);
    });

    it('refuses a charge whose serviceRegion does not serve the customer (400 naming serviceRegion); the balance stays', async () => {
      const before = await balance(beijingOnly.id);
      const res = await charge(gdBilling, chargeBody(beijingOnly.id, GUANGZHOU, -400_000, { kind: 'adjustment' })).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'serviceRegion' })]);
      expect(await balance(beijingOnly.id)).toBe(before);
      // an admin, who covers every region, is held to the same rule
      await charge(t.admin, chargeBody(beijingOnly.id, GUANGZHOU, 100)).expect(400);
      // where the customer has a site: the district itself, or its city or province (their systems bill it too)
      await charge(bjBilling, chargeBody(beijingOnly.id, BEIJING, 100)).expect(201);
      await charge(bjBilling, chargeBody(beijingOnly.id, '110000', 100)).expect(201);
      await charge(gdBilling, chargeBody(guangzhouOnly.id, '440100', 100)).expect(201);
      // a neighbouring district of the same city is not a site of the customer
      await charge(gdBilling, chargeBody(guangzhouOnly.id, '440104', 100)).expect(400);
    });

    it('applies the same rule to every line of a batch, naming the line, and writes nothing', async () => {
      const before = await balance(guangzhouOnly.id);
      const lines = [0, 1, 2, 4].map(() => chargeBody(guangzhouOnly.id, GUANGZHOU, 100));
      lines.splice(3, 0, chargeBody(beijingOnly.id, GUANGZHOU, -400_000, { kind: 'adjustment' }));
      const res = await t.http().post('/api/v1/billing/charges:batch').set(bearer(gdBilling)).send({ charges: lines }).expect(400);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'charges[3].serviceRegion' })]);
      expect(await balance(guangzhouOnly.id)).toBe(before); // all or nothing
    });

    it('checks 10,000 lines over many customers in one go, and names a bad last line', async () => {
      const many = await Promise.all(
        [...Array(20)].map((_, i) =>
          customer({ name: `广州批量客户${i}号`, homeRegion: GUANGZHOU, sites: [{ name: '机房', region: GUANGZHOU, address: 'x' }] }),
        ),
      );
      const lines = [...Array(10_000)].map((_, i) => chargeBody(many[i % many.length].id, GUANGZHOU, 1, { period: '2026-05' }));
      const bad = [...lines.slice(0, 9_999), chargeBody(beijingOnly.id, GUANGZHOU, 1)];
      const refused = await t.http().post('/api/v1/billing/charges:batch').set(bearer(gdBilling)).send({ charges: bad }).expect(400);
      expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'charges[9999].serviceRegion' })]);
      const ok = await t.http().post('/api/v1/billing/charges:batch').set(bearer(gdBilling)).send({ charges: lines }).expect(201);
      expect(ok.body).toMatchObject({ total: 10_000, created: 10_000 });
    });

    it('lets directors read bills, payments and accounts only within their scope (404), billing staff everywhere', async () => {
      await charge(bjBilling, chargeBody(beijingOnly.id, BEIJING, 30_000, { period: '2026-04' })).expect(201);
      await t.app.get(BillIssuer).issue(null, beijingOnly.id, '2026-04');
      const [bill] = await t.dataSource.query(`SELECT id FROM bills WHERE customer_id = $1 AND period = '2026-04'`, [beijingOnly.id]);
      const p = await pay(bjBilling, beijingOnly.id, 1_000, BEIJING);
      const paths = [
        `/api/v1/bills/${bill.id}`,
        `/api/v1/payments/${p.id}`,
        `/api/v1/customers/${beijingOnly.id}/bills`,
        `/api/v1/customers/${beijingOnly.id}/account`,
      ];
      for (const path of paths) {
        const outside = await t.http().get(path).set(bearer(gdDirector));
        expect({ path, status: outside.status }).toEqual({ path, status: 404 });
        for (const reader of [bjDirector, gdBilling, bjBilling, t.admin]) {
          const res = await t.http().get(path).set(bearer(reader));
          expect({ path, reader: reader.username, status: res.status }).toEqual({ path, reader: reader.username, status: 200 });
        }
      }
    });
  });

  describe('the audit log is scoped', () => {
    const entries = async (who: StaffLogin, query = '') => {
      const res = await t.http().get(`/api/v1/audit?limit=200${query}`).set(bearer(who)).expect(200);
      return res.body as { items: { action: string; entity: string; entityId: string; regions: string[] }[]; total: number };
    };

    it('shows a Guangdong director Guangdong entries only, a Beijing director Beijing ones, an admin all', async () => {
      const gd = await entries(gdDirector);
      expect(gd.items.length).toBeGreaterThan(0);
      for (const e of gd.items) expect({ e, inScope: e.regions.some((r) => r.startsWith('44')) }).toMatchObject({ inScope: true });
      expect((await entries(gdDirector, `&entityId=${guangzhouOnly.id}`)).items.map((e) => e.action)).toContain('customer.created');
      expect((await entries(gdDirector, `&entityId=${beijingOnly.id}`)).total).toBe(0);

      const bj = await entries(bjDirector, `&entityId=${beijingOnly.id}`);
      expect(bj.items.map((e) => e.action)).toContain('customer.created');
      expect(bj.items.every((e) => e.regions.includes(BEIJING))).toBe(true);
      expect((await entries(bjDirector, `&entityId=${guangzhouOnly.id}`)).total).toBe(0);

      const all = await entries(t.admin, '&entity=customer');
      expect(all.items.map((e) => e.entityId)).toEqual(expect.arrayContaining([beijingOnly.id, guangzhouOnly.id]));
    });

    it('records the regions of a case, its customer and a payment; configuration (a bill run) only for nationwide readers', async () => {
      const fault = await t
        .http()
        .post('/api/v1/faults')
        .set(bearer(t.admin))
        .send(
          faultBody(beijingOnly.id, {
            severity: 'minor',
            description: '朝阳区政务大厅专线中断',
            reporterName: '王强',
            reporterMobile: '13900001111',
          }),
        );
      expect(fault.status).toBe(201);
      const mine = await entries(bjDirector, `&entityId=${fault.body.id}`);
      expect(mine.items).toEqual([expect.objectContaining({ action: 'fault.created', regions: [BEIJING] })]);
      expect((await entries(gdDirector, `&entityId=${fault.body.id}`)).total).toBe(0);

      const run = await t.http().post('/api/v1/billing/bill-runs').set(bearer(cnBilling)).send({ period: '2020-01' }).expect(202);
      expect((await entries(t.admin, `&entityId=${run.body.id}`)).items).toEqual([expect.objectContaining({ regions: [] })]);
      expect((await entries(gdDirector, `&entityId=${run.body.id}`)).total).toBe(0);
      const cnDirector = await t.staff(['director'], ['CN']);
      expect((await entries(cnDirector, `&entityId=${run.body.id}`)).total).toBe(1);
    });

    it('backfills existing entries (the migration) with the regions the code records on new ones', async () => {
      const recorded: { id: string; regions: string[] }[] = await t.dataSource.query(
        `SELECT id, regions FROM audit_log WHERE entity <> 'charge_batch' ORDER BY id`,
      );
      expect(recorded.filter((r) => r.regions.length).length).toBeGreaterThan(10);
      const migration = new AuditRegions1795810000000();
      const runner = t.dataSource.createQueryRunner();
      try {
        await migration.down(runner);
        await migration.up(runner);
      } finally {
        await runner.release();
      }
      const backfilled: { id: string; regions: string[] }[] = await t.dataSource.query(
        `SELECT id, regions FROM audit_log WHERE entity <> 'charge_batch' AND id <= $1 ORDER BY id`,
        [recorded[recorded.length - 1].id],
      );
      expect(backfilled).toEqual(recorded);
    });
  });

  describe('privilege edges on the customer record', () => {
    it('needs a director or an admin to change greenChannel or tier (403 CUSTOMER_CHANGE_NEEDS_DIRECTOR)', async () => {
      const c = await customer({ homeRegion: GUANGZHOU, sites: [] }, am);
      for (const change of [{ greenChannel: true }, { tier: 'strategic' }]) {
        const res = await t
          .http()
          .patch(`/api/v1/customers/${c.id}`)
          .set(bearer(am))
          .send({ ...change, expectedVersion: 1 })
          .expect(403);
        expect(res.body).toMatchObject({ code: 'CUSTOMER_CHANGE_NEEDS_DIRECTOR', field: Object.keys(change)[0] });
      }
      // resending what it already is changes nothing and needs no one
      await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(am))
        .send({ tier: 'key', greenChannel: false, expectedVersion: 1 })
        .expect(200);
      const granted = await t
        .http()
        .patch(`/api/v1/customers/${c.id}`)
        .set(bearer(gdDirector))
        .send({ greenChannel: true, tier: 'strategic', expectedVersion: 2 })
        .expect(200);
      expect(granted.body).toMatchObject({ greenChannel: true, tier: 'strategic' });
    });

    it('needs a director or an admin to create a customer for another account manager, or in the green channel', async () => {
      const forOther = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(am))
        .send(customerBody({ homeRegion: GUANGZHOU, sites: [], accountManagerId: otherAm.id }))
        .expect(403);
      expect(forOther.body).toMatchObject({ code: 'CUSTOMER_CHANGE_NEEDS_DIRECTOR', field: 'accountManagerId' });
      const green = await t
        .http()
        .post('/api/v1/customers')
        .set(bearer(am))
        .send(customerBody({ homeRegion: GUANGZHOU, sites: [], greenChannel: true }))
        .expect(403);
      expect(green.body).toMatchObject({ code: 'CUSTOMER_CHANGE_NEEDS_DIRECTOR', field: 'greenChannel' });
      const own = await customer({ homeRegion: GUANGZHOU, sites: [], accountManagerId: am.id }, am);
      expect(own).toMatchObject({ accountManagerId: am.id });
      const byDirector = await customer({ homeRegion: GUANGZHOU, sites: [], accountManagerId: otherAm.id, greenChannel: true }, gdDirector);
      expect(byDirector).toMatchObject({ accountManagerId: otherAm.id, greenChannel: true });
    });
  });

  describe('tokens', () => {
    /** An HS256 token signed with the service's own secret, so only the claims differ from a real one. */
    const forge = async (claims: Record<string, unknown>) => {
      const [{ token_version }] = await t.dataSource.query(`SELECT token_version FROM staff WHERE id = $1`, [t.admin.id]);
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      const body = `${part({ alg: 'HS256', typ: 'JWT' })}.${part({ sub: t.admin.id, tv: token_version, iss: 'focus-one', ...claims })}`;
      return { token: `${body}.${createHmac('sha256', t.config.auth.jwtSecret).update(body).digest('base64url')}` };
    };
    const now = () => Math.floor(Date.now() / 1000);

    it('refuses a validly signed token without exp or without iat (401); with both it passes', async () => {
      const withoutExp = await t
        .http()
        .get('/api/v1/staff/me')
        .set(bearer(await forge({ iat: now() })));
      expect({ status: withoutExp.status, code: withoutExp.body.code }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
      await t
        .http()
        .get('/api/v1/staff/me')
        .set(bearer(await forge({ exp: now() + 600 })))
        .expect(401);
      await t
        .http()
        .get('/api/v1/staff/me')
        .set(bearer(await forge({ iat: now(), exp: now() + 600 })))
        .expect(200);
    });
  });
});

describe('abuse: password spraying from one address (AUTH_ADDRESS_RATE_LIMIT_MAX=30)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_RATE_LIMIT_MAX: '3', AUTH_ADDRESS_RATE_LIMIT_MAX: '30' });
  });
  afterAll(() => t?.close());

  const attempt = (username: string, from: string) =>
    t.app
      .getHttpAdapter()
      .getInstance()
      .inject({ method: 'POST', url: '/api/v1/auth/token', remoteAddress: from, payload: { username, password: 'Spring2026!' } });

  it('limits 900 attempts with 900 usernames from one address after 30, counted in Redis; other addresses still get in', async () => {
    const from = '198.51.100.77';
    const statuses: number[] = [];
    for (let i = 0; i < 900; i++) statuses.push((await attempt(`user${i}`, from)).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(30).every((s) => s === 429)).toBe(true);
    const limited = await attempt('someone.else', from);
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // the counter lives in Redis, so every API process shares it
    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const [key] = await redis.keys(`${t.config.redis.queuePrefix}:login-limit:*address|${from}`);
      expect(Number(await redis.get(key))).toBeGreaterThan(30);
    } finally {
      redis.disconnect();
    }
    expect((await attempt('user0', '198.51.100.78')).statusCode).toBe(401);
  });

  it('still limits one username from one address at its own, lower limit', async () => {
    const from = '198.51.100.90';
    for (let i = 0; i < 3; i++) expect((await attempt('li.na', from)).statusCode).toBe(401);
    expect((await attempt('li.na', from)).statusCode).toBe(429);
    expect((await attempt('wang.fang', from)).statusCode).toBe(401);
  });
});
