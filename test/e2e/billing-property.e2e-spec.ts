import fc from 'fast-check';
import { BillIssuer } from '../../src/billing/bill-issuer';
import { MAX_AMOUNT_FEN } from '../../src/billing/money';
import { customerBody } from '../support/factories';
import type { StaffLogin, TestApp } from '../support/test-app';
import { bearer, startTestApp, unique } from '../support/test-app';

const REGIONS = ['440605', '110105', '310115', '440305'] as const;

type Command =
  | { kind: 'charge'; region: number; amount: number; adjustment: boolean }
  | { kind: 'bill' }
  | { kind: 'pay'; region: number; amount: number }
  | { kind: 'reverse'; which: number };

const amount = fc.oneof(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 1, max: MAX_AMOUNT_FEN }));
const command: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('charge' as const), region: fc.nat(REGIONS.length - 1), amount, adjustment: fc.boolean() }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'bill' as const }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), region: fc.nat(REGIONS.length - 1), amount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), which: fc.nat(20) }) },
);

/**
 * Random sequences of charges, bills, payments and reversals for one customer
 * through the real modules; after each sequence the ledger must hold exactly.
 */
describe('billing ledger properties', () => {
  let t: TestApp;
  let billing: StaffLogin;
  let director: StaffLogin;

  beforeAll(async () => {
    t = await startTestApp();
    billing = await t.staff(['billing'], ['CN']);
    director = await t.staff(['director'], ['CN']);
  });
  afterAll(() => t?.close());

  it('never allocates more than was paid or more than a bill is due, and balance = charges − payments + reversals, exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 14 }), async (commands) => {
        // a site in every region it is billed from (a region bills only customers it serves)
        const sites = REGIONS.map((region) => ({ name: `站点${region}`, region, address: 'x' }));
        const c = (await t.http().post('/api/v1/customers').set(bearer(t.admin)).send(customerBody({ sites })).expect(201)).body;
        let charges = 0n;
        let payments = 0n;
        let reversals = 0n;
        const paid: { id: string; amount: bigint; reversed: boolean }[] = [];
        let month = 0;
        const period = () => `${2020 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;

        for (const cmd of commands) {
          if (cmd.kind === 'charge') {
            // an adjustment may take money off (negative), never 0
            const value = cmd.adjustment ? -Math.min(cmd.amount, 1_000_000) : cmd.amount;
            await t
              .http()
              .post('/api/v1/billing/charges')
              .set(bearer(billing))
              .send({
                customerId: c.id,
                serviceRegion: REGIONS[cmd.region],
                period: period(),
                kind: cmd.adjustment ? 'adjustment' : 'usage',
                amountFen: value,
                description: 'property',
                sourceRef: unique('P-'),
              })
              .expect(201);
            charges += BigInt(value);
          } else if (cmd.kind === 'bill') {
            await t.app.get(BillIssuer).issue(null, c.id, period());
            month += 1;
          } else if (cmd.kind === 'pay') {
            const res = await t
              .http()
              .post('/api/v1/payments')
              .set(bearer(billing))
              .send({ customerId: c.id, amountFen: cmd.amount, collectedRegion: REGIONS[cmd.region], method: 'pos' })
              .expect(201);
            paid.push({ id: res.body.id, amount: BigInt(cmd.amount), reversed: false });
            payments += BigInt(cmd.amount);
          } else {
            const open = paid.filter((p) => !p.reversed);
            if (!open.length) continue;
            const p = open[cmd.which % open.length];
            await t.http().post(`/api/v1/payments/${p.id}/reverse`).set(bearer(director)).send({ reason: 'property' }).expect(200);
            p.reversed = true;
            reversals += p.amount;
          }
        }

        const account = (await t.http().get(`/api/v1/customers/${c.id}/account`).set(bearer(billing)).expect(200)).body;
        expect(BigInt(account.balanceFen)).toBe(charges - payments + reversals);

        const [ledger] = await t.dataSource.query(
          `SELECT
             (SELECT coalesce(sum(a.amount_fen), 0) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
               WHERE p.customer_id = $1 AND a.reversed_at IS NULL)::text AS allocated,
             (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE customer_id = $1 AND reversed_at IS NULL)::text AS live_payments,
             (SELECT count(*) FROM payments p WHERE p.customer_id = $1 AND p.allocated_fen <> coalesce(
                (SELECT sum(a.amount_fen) FROM payment_allocations a WHERE a.payment_id = p.id AND a.reversed_at IS NULL), 0))::int AS payments_off,
             (SELECT count(*) FROM payment_allocations a JOIN payments p ON p.id = a.payment_id
               WHERE p.customer_id = $1 AND p.reversed_at IS NOT NULL AND a.reversed_at IS NULL)::int AS reversed_still_allocated,
             (SELECT count(*) FROM bills b WHERE b.customer_id = $1 AND (b.paid_fen > b.total_fen OR b.paid_fen <> coalesce(
                (SELECT sum(a.amount_fen) FROM payment_allocations a WHERE a.bill_id = b.id AND a.reversed_at IS NULL), 0)))::int AS bills_off,
             (SELECT count(*) FROM bills b JOIN bill_lines l ON l.bill_id = b.id WHERE b.customer_id = $1 AND (l.paid_fen > l.due_fen OR l.paid_fen <> coalesce(
                (SELECT sum(a.amount_fen) FROM payment_allocations a WHERE a.bill_line_id = l.id AND a.reversed_at IS NULL), 0)))::int AS lines_off,
             (SELECT count(*) FROM bills b WHERE b.customer_id = $1 AND b.total_fen <> (SELECT sum(due_fen) FROM bill_lines l WHERE l.bill_id = b.id))::int AS totals_off,
             (SELECT count(*) FROM bills b WHERE b.customer_id = $1 AND b.state <> CASE WHEN b.paid_fen >= b.total_fen THEN 'paid'
                WHEN b.paid_fen > 0 THEN 'partially_paid' ELSE 'issued' END)::int AS states_off`,
          [c.id],
        );
        // the sum of allocations never exceeds the payments, per payment and in all
        expect(BigInt(ledger.allocated) <= BigInt(ledger.live_payments)).toBe(true);
        expect(BigInt(ledger.live_payments)).toBe(payments - reversals);
        expect(ledger).toMatchObject({
          payments_off: 0,
          reversed_still_allocated: 0,
          bills_off: 0,
          lines_off: 0,
          totals_off: 0,
          states_off: 0,
        });
        // the account's figures agree with each other: balance = outstanding + unbilled − credit
        expect(BigInt(account.creditFen)).toBe(BigInt(ledger.live_payments) - BigInt(ledger.allocated));
        expect(BigInt(account.balanceFen)).toBe(BigInt(account.outstandingFen) + BigInt(account.unbilledFen) - BigInt(account.creditFen));
        // credit never sits beside an unpaid bill
        if (account.creditFen > 0) expect(account.outstandingFen).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
