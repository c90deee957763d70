import type { QueryRunner } from 'typeorm';
import { BillIssuer } from '../../src/billing/bill-issuer';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

const FOSHAN = '440605';
const PERIOD = '2026-08';

/**
 * The billing hot paths — a payment, a batch of charges, one bill-run job —
 * are each one short transaction, and what they cost is mostly the number of
 * PostgreSQL round trips (docs/PERFORMANCE.md, "Billing"). They are pinned
 * here, statement by statement: a change that adds one fails this test.
 * Statements are told apart per transaction: TypeORM logs each one with the
 * QueryRunner that ran it, and a transaction has a runner of its own, so the
 * workers' queries in the meantime do not count.
 */
describe('billing hot paths: round trips per transaction', () => {
  let t: TestApp;
  let billing: StaffLogin;
  const log: { runner: QueryRunner | undefined; query: string }[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    billing = await t.staff(['billing'], ['CN']);
    const logger = t.dataSource.logger;
    const logQuery = logger.logQuery.bind(logger);
    logger.logQuery = (query, parameters, runner) => {
      log.push({ runner, query });
      return logQuery(query, parameters, runner);
    };
  });
  afterAll(() => t?.close());

  /** Runs `action` and returns the statements of the one transaction in it that ran a statement matching `marker`. */
  const transactionOf = async (marker: RegExp, action: () => Promise<unknown>): Promise<string[]> => {
    log.length = 0;
    await action();
    const runners = new Set(log.filter((e) => marker.test(e.query)).map((e) => e.runner));
    expect(runners.size).toBe(1);
    const [runner] = runners;
    const statements = log.filter((e) => e.runner === runner).map((e) => e.query.trim().split(/\s+/).slice(0, 4).join(' '));
    expect(statements[0]).toBe('START TRANSACTION');
    expect(statements.at(-1)).toBe('COMMIT');
    return statements;
  };

  const customer = async () =>
    (await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(customerBody()).expect(201)).body.id as string;
  const chargeBody = (customerId: string, amountFen: number) => ({
    customerId,
    serviceRegion: FOSHAN,
    period: PERIOD,
    kind: 'recurring',
    amountFen,
    description: '互联网专线月租',
    sourceRef: unique('SRC-'),
  });
  const batch = (charges: unknown[]) => t.http().post('/api/v1/billing/charges:batch').set(bearer(billing)).send({ charges }).expect(201);

  it('posts a batch of charges in five: begin, accounts and sites, the insert, audit and outcome, commit (one more to compare resends)', async () => {
    const [a, b] = [await customer(), await customer()];
    const charges = [chargeBody(a, 10_000), chargeBody(a, 20_000), chargeBody(b, 30_000)];
    expect(await transactionOf(/INSERT INTO billing_charges/, () => batch(charges))).toHaveLength(5);
    expect(await transactionOf(/INSERT INTO billing_charges/, () => batch([...charges, chargeBody(b, 1)]))).toHaveLength(6);
  });

  it('issues a bill (one bill-run job) in five: begin, the account lock, taking the charges, the writes, commit', async () => {
    const c = await customer();
    await batch([chargeBody(c, 10_000), chargeBody(c, 5_000)]);
    // credit waiting on the account: the bill's writes include its allocation
    await t
      .http()
      .post('/api/v1/payments')
      .set(bearer(billing))
      .send({ customerId: c, amountFen: 3_000, collectedRegion: FOSHAN, method: 'cash' })
      .expect(201);
    const statements = await transactionOf(/INSERT INTO bills /, () => t.app.get(BillIssuer).issue(null, c, PERIOD));
    expect(statements).toHaveLength(5);
  });

  it('takes a payment in five: begin, the account created or locked, the ledger read, the writes, commit', async () => {
    const c = await customer();
    await batch([chargeBody(c, 10_000)]);
    await t.app.get(BillIssuer).issue(null, c, PERIOD);
    const pay = () =>
      t
        .http()
        .post('/api/v1/payments')
        .set(bearer(billing))
        .send({ customerId: c, amountFen: 4_000, collectedRegion: FOSHAN, method: 'cash' })
        .expect(201);
    expect(await transactionOf(/INSERT INTO payments /, pay)).toHaveLength(5);
  });
});
