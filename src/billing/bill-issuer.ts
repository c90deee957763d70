import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { PostCommit } from '../common/post-commit';
import { WriteBatch } from '../common/write-batch';
import { AppConfig } from '../config/app-config';
import { OutboxService } from '../outbox/outbox.service';
import { allocate, allocationData, billState, netLines } from './allocation';
import { lockAccountForBill } from './accounts.repository';
import { insertBillIn, recordRunItemIn, takeChargesForBill } from './bills.repository';
import { writeAllocationsIn } from './payments.repository';
import { addDays, chinaToday, monthEnd } from '../common/time/china-days';
import { fen } from './money';

export type BillOutcome = 'billed' | 'already_billed' | 'nothing_to_bill' | 'net_credit';

/**
 * A bill falls due BILL_DUE_DAYS after the last day of its period; when that
 * day is already before the issue date (a period billed late), a customer
 * cannot be overdue the day the bill reaches them: it falls due BILL_DUE_DAYS
 * after the issue date instead, and the bill says so (`dueDateAdjusted`).
 */
export function dueDateOf(period: string, issueDate: string, dueDays: number): { dueDate: string; dueDateAdjusted: boolean } {
  const byPeriod = addDays(monthEnd(period), dueDays);
  return byPeriod < issueDate
    ? { dueDate: addDays(issueDate, dueDays), dueDateAdjusted: true }
    : { dueDate: byPeriod, dueDateAdjusted: false };
}

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

  /**
   * `issueDate` is the day the bill is dated (today in China by default; a
   * test or a tool may date it earlier, as arrears are aged as of a day).
   */
  async issue(
    runId: string | null,
    customerId: string,
    period: string,
    { issueDate = chinaToday() }: { issueDate?: string } = {},
  ): Promise<{ outcome: BillOutcome; billId: string | null }> {
    const post = new PostCommit();
    let result: { outcome: BillOutcome; billId: string | null };
    try {
      result = await this.dataSource.transaction(async (em) => {
        // The account lock orders this bill after any payment in flight, and makes a
        // concurrent run for the same customer wait here and then find the bill.
        const account = await lockAccountForBill(em, customerId);
        if (!account) return this.record(em, runId, customerId, 'nothing_to_bill', null);
        const billId = randomUUID();
        const taken = await takeChargesForBill(em, { id: billId, customerId, period });
        if (taken.existingBillId) return this.record(em, runId, customerId, 'already_billed', taken.existingBillId);
        if (!taken.groups.length) return this.record(em, runId, customerId, 'nothing_to_bill', null);
        const lines = netLines(taken.groups);
        if (!lines) throw new NetCredit();

        const total = lines.reduce((s, l) => s + l.due, 0n);
        const lineIds = lines.map(() => randomUUID());
        const billNo = `BL-${period.replace('-', '')}-${account.customerNo}`;
        // Credit waiting on the account (older payments' excess) pays the new bill at once.
        const allocations = allocate(
          taken.credits,
          lines.flatMap((l, i) => (l.due > 0n ? [{ billId, billNo, lineId: lineIds[i], servingRegion: l.region, remaining: l.due }] : [])),
        );
        const paidByLine = new Map<string, bigint>();
        for (const a of allocations) paidByLine.set(a.lineId, (paidByLine.get(a.lineId) ?? 0n) + a.amount);
        const paid = allocations.reduce((s, a) => s + a.amount, 0n);
        const { dueDate, dueDateAdjusted } = dueDateOf(period, issueDate, this.config.billing.dueDays);
        const state = billState(total, paid);
        const chargeCount = lines.reduce((s, l) => s + l.count, 0);

        const batch = new WriteBatch();
        insertBillIn(
          batch,
          {
            id: billId,
            billNo,
            customerId,
            period,
            billRunId: runId,
            total,
            paid,
            state,
            chargeCount,
            issueDate,
            dueDate,
            dueDateAdjusted,
          },
          lines.map((l, i) => ({
            id: lineIds[i],
            servingRegion: l.region,
            amount: l.amount,
            due: l.due,
            paid: paidByLine.get(lineIds[i]) ?? 0n,
            chargeCount: l.count,
          })),
        );
        writeAllocationsIn(batch, allocations, { lines: true });
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
          changes: { ...data, dueDateAdjusted, billRunId: runId, creditApplied: allocationData(allocations) },
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
    if (runId) recordRunItemIn(batch, { runId, customerId, outcome, billId });
  }
}
