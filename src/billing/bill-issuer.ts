import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { PostCommit } from '../common/post-commit';
import { sql } from '../common/sql';
import { WriteBatch } from '../common/write-batch';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../outbox/outbox.service';
import { allocate, billState, netLines } from './allocation';
import { allocationData, creditsOf, parseCredits, writeAllocations } from './ledger';
import { addDays, chinaToday, fen, periodEnd } from './money';

export type BillOutcome = 'billed' | 'already_billed' | 'nothing_to_bill' | 'net_credit';

/** Thrown inside the transaction to roll back the marking of charges that add up to a net credit. */
class NetCredit extends Error {}

/**
 * Issues one customer's bill for a period: the work of one bill-run job, in
 * one transaction of three statements (lock; take the charges and read
 * the credit; write everything, the run's progress included), because the run does
 * this ten thousand times.
 */
@Injectable()
export class BillIssuer {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async issue(runId: string | null, customerId: string, period: string): Promise<{ outcome: BillOutcome; billId: string | null }> {
    const post = new PostCommit();
    let result: { outcome: BillOutcome; billId: string | null };
    try {
      result = await this.dataSource.transaction(async (em) => {
        // The account lock orders this bill after any payment in flight, and makes a
        // concurrent run for the same customer wait here and then find the bill.
        const [account]: { customer_no: string }[] = await em.query(
          `SELECT c.customer_no FROM billing_accounts a JOIN customers c ON c.id = a.customer_id WHERE a.customer_id = $1 FOR UPDATE OF a`,
          [customerId],
        );
        if (!account) return this.record(em, runId, customerId, 'nothing_to_bill', null);
        const billId = randomUUID();
        // One statement, after the lock (so it sees what the previous holder committed): takes
        // every unbilled charge of this period or earlier — a charge posted after an earlier
        // period's bill was issued lands here, on the next bill — unless the period is billed
        // already, and reads the credit waiting on the account.
        const [taken]: {
          existing: string | null;
          groups: { region: string; amount: string; count: number }[];
          credits: { paymentId: string; remaining: string }[];
        }[] = await em.query(
          `WITH existing AS (SELECT id FROM bills WHERE customer_id = $1 AND period = $2),
                  taken AS (
                    UPDATE billing_charges SET bill_id = $3
                     WHERE customer_id = $1 AND bill_id IS NULL AND period <= $2 AND NOT EXISTS (SELECT 1 FROM existing)
                    RETURNING service_region, amount_fen),
                  groups AS (SELECT service_region AS region, sum(amount_fen)::text AS amount, count(*)::int AS count FROM taken GROUP BY service_region)
             SELECT (SELECT id FROM existing) AS existing,
                    coalesce((SELECT json_agg(groups) FROM groups), '[]') AS groups,
                    ${creditsOf('$1')} AS credits`,
          [customerId, period, billId],
        );
        if (taken.existing) return this.record(em, runId, customerId, 'already_billed', taken.existing);
        const groups = taken.groups;
        if (!groups.length) return this.record(em, runId, customerId, 'nothing_to_bill', null);
        const lines = netLines(groups.map((g) => ({ region: g.region, amount: BigInt(g.amount), count: g.count })));
        if (!lines) throw new NetCredit();

        const total = lines.reduce((s, l) => s + l.due, 0n);
        const lineIds = lines.map(() => randomUUID());
        const billNo = `BL-${period.replace('-', '')}-${account.customer_no}`;
        // Credit waiting on the account (older payments' excess) pays the new bill at once.
        const allocations = allocate(
          parseCredits(taken.credits),
          lines.flatMap((l, i) => (l.due > 0n ? [{ billId, billNo, lineId: lineIds[i], servingRegion: l.region, remaining: l.due }] : [])),
        );
        const paidByLine = new Map<string, bigint>();
        for (const a of allocations) paidByLine.set(a.lineId, (paidByLine.get(a.lineId) ?? 0n) + a.amount);
        const paid = allocations.reduce((s, a) => s + a.amount, 0n);
        const issueDate = chinaToday();
        const dueDate = addDays(periodEnd(period), this.config.billing.dueDays);
        const state = billState(total, paid);
        const chargeCount = lines.reduce((s, l) => s + l.count, 0);

        const batch = new WriteBatch();
        batch.add(
          sql`INSERT INTO bills (id, bill_no, customer_id, period, bill_run_id, total_fen, paid_fen, state, charge_count, issue_date, due_date)
              VALUES (${billId}, ${billNo}, ${customerId}, ${period}, ${runId}, ${String(total)}, ${String(paid)}, ${state}, ${chargeCount},
                      ${issueDate}, ${dueDate})`,
        );
        batch.add(
          sql`INSERT INTO bill_lines (id, bill_id, serving_region, amount_fen, due_fen, paid_fen, charge_count)
              SELECT id, ${billId}, r, a, d, p, n
                FROM unnest(${lineIds}::uuid[], ${lines.map((l) => l.region)}::text[], ${lines.map((l) => String(l.amount))}::bigint[],
                            ${lines.map((l) => String(l.due))}::bigint[], ${lineIds.map((id) => String(paidByLine.get(id) ?? 0n))}::bigint[],
                            ${lines.map((l) => l.count)}::int[]) AS t(id, r, a, d, p, n)`,
        );
        writeAllocations(batch, allocations, { lines: true });
        const data = {
          billId,
          billNo,
          customerId,
          period,
          totalFen: fen(total),
          paidFen: fen(paid),
          state,
          issueDate,
          dueDate,
          lines: lines.map((l) => ({ servingRegion: l.region, amountFen: fen(l.amount), dueFen: fen(l.due) })),
        };
        this.outbox.emitIn(batch, post, 'bill.issued', data);
        this.audit.recordIn(batch, null, {
          action: 'billing.bill_issued',
          entity: 'bill',
          entityId: billId,
          changes: { ...data, billRunId: runId, creditApplied: allocationData(allocations) },
          regions: lines.map((l) => l.region),
          customerId,
        });
        this.recordIn(batch, runId, customerId, 'billed', billId);
        await batch.run(em);
        return { outcome: 'billed' as const, billId };
      });
    } catch (err) {
      if (!(err instanceof NetCredit)) throw err;
      // The charges stay unbilled (they wait for the next run); only the outcome is kept.
      result = await this.dataSource.transaction((em) => this.record(em, runId, customerId, 'net_credit', null));
    }
    await post.run();
    return result;
  }

  private async record(em: EntityManager, runId: string | null, customerId: string, outcome: BillOutcome, billId: string | null) {
    const batch = new WriteBatch();
    this.recordIn(batch, runId, customerId, outcome, billId);
    await batch.run(em);
    return { outcome, billId };
  }

  private recordIn(batch: WriteBatch, runId: string | null, customerId: string, outcome: BillOutcome, billId: string | null): void {
    if (!runId) return;
    batch.add(
      sql`UPDATE bill_run_items SET outcome = ${outcome}, bill_id = ${billId}, processed_at = now()
           WHERE bill_run_id = ${runId} AND customer_id = ${customerId}`,
    );
  }
}
