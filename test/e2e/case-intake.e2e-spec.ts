import type { QueryRunner } from 'typeorm';
import { customerBody, faultBody, mobile, orderBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp } from '../support/test-app';

/** What an intake writes besides the kind's own table (docs/ARCHITECTURE.md, "The life of a case", step 3). */
const SHARED_TABLES = ['case_index', 'case_timeline', 'sla_clocks', 'outbox_events', 'audit_log', 'idempotency_commits'];

/** A statement that writes (a row lock, SELECT … FOR UPDATE, does not). */
const writes = (query: string) =>
  /^\s*(INSERT|UPDATE|DELETE)\b/i.test(query) || (/^\s*WITH\b/i.test(query) && /\bINSERT INTO\b/i.test(query));

/**
 * Every kind opens a case through CaseIntake: the kind's row and every shared
 * row in ONE statement (a WriteBatch), with no transaction around it; orders
 * too (their rows carry their clocks' due times, which the SLA engine lays
 * out in memory before the batch is built). Pinned here statement by statement from TypeORM's
 * query log: an intake that writes a row on its own fails this test.
 * No engineer is on duty, so the dispatch jobs that follow write nothing.
 */
describe('case intake: one shape for every kind', () => {
  let t: TestApp;
  let director: StaffLogin;
  const log: { runner: QueryRunner | undefined; query: string; parameters: unknown[] }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    director = await t.staff(['director'], ['CN']);
    const logger = t.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      log.push({ runner, query, parameters: Array.isArray(parameters) ? parameters : [] });
      return logQuery(query, parameters, runner);
    };
  });
  afterAll(() => t?.close());

  const customer = async (overrides: Record<string, unknown> = {}) =>
    (await t.http().post('/api/v1/customers').set(bearer(director)).send(customerBody(overrides)).expect(201)).body;

  /** The statements that wrote something and carry the new case's id, in the order they ran. */
  // The outbox relay writes the customer's SMS notice onto the case timeline later, in its own transaction: not the intake's.
  const relayed = (query: string) => query.includes(`'customer_notice'`);
  const writesOf = (id: string) =>
    log.filter((e) => writes(e.query) && !relayed(e.query) && e.parameters.some((p) => p === id || (Array.isArray(p) && p.includes(id))));

  const expectOneStatement = (id: string, table: string) => {
    const found = writesOf(id);
    expect(found).toHaveLength(1);
    for (const written of [table, ...SHARED_TABLES]) expect(found[0].query).toContain(`INSERT INTO ${written}`);
    // Not inside a transaction of its own: the statement commits alone.
    expect(log.some((e) => e.runner === found[0].runner && e.query === 'START TRANSACTION')).toBe(false);
  };

  it('opens a fault, a complaint, a support request and an inquiry each with one statement', async () => {
    const c = await customer();
    const open = async (path: string, body: Record<string, unknown>) => {
      log.length = 0;
      return (
        await t
          .http()
          .post(`/api/v1/${path}`)
          .set(bearer(director))
          .set('Idempotency-Key', `intake-${path}-${mobile()}`)
          .send(body)
          .expect(201)
      ).body.id as string;
    };
    expectOneStatement(await open('faults', faultBody(c.id)), 'faults');
    expectOneStatement(await open('faults', faultBody(c.id, { category: 'complaint', severity: 'minor' })), 'faults');
    expectOneStatement(
      await open('support-requests', { customerId: c.id, category: 'maintenance', description: '机房巡检' }),
      'support_requests',
    );
    expectOneStatement(
      await open('inquiries', {
        customerId: c.id,
        callerName: '张先生',
        callerMobile: mobile(),
        channel: 'hotline',
        topic: 'tariff',
        question: '专线资费？',
      }),
      'inquiries',
    );
  });

  it('opens an order and its work orders with one statement, after one statement of reads', async () => {
    const c = await customer({
      sites: [
        { name: '南海区政府大楼', region: '440605', address: '佛山市南海区桂城街道南海大道北1号' },
        { name: '广州分公司', region: '440106', address: '广州市天河区天河路1号' },
      ],
    });
    log.length = 0;
    const order = (
      await t
        .http()
        .post('/api/v1/orders')
        .set(bearer(director))
        .set('Idempotency-Key', `intake-order-${mobile()}`)
        .send(
          orderBody(
            c.id,
            c.sites.map((s: { id: string }) => s.id),
          ),
        )
        .expect(201)
    ).body;
    expectOneStatement(order.id, 'orders');
    const [written] = writesOf(order.id);
    for (const table of ['work_orders', 'order_items']) expect(written.query).toContain(`INSERT INTO ${table}`);
    // The customer's context and the arrears standing: one statement (a ReadBatch), not one each.
    const reads = log.filter((e) => /\bFROM bills\b/.test(e.query) || /\) AS instances\b/.test(e.query));
    expect(reads).toHaveLength(1);
    expect(reads[0].query).toMatch(/\bFROM bills\b/);
    expect(reads[0].query).toMatch(/\) AS instances\b/);
    expect(order.workOrders).toHaveLength(2);
  });
});
