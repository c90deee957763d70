import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { PostCommit } from '../common/post-commit';
import { sql } from '../common/sql';
import { WriteBatch } from '../common/write-batch';
import { OutboxService } from '../outbox/outbox.service';
import { RegionsService } from '../regions/regions.service';
import { Allocation, allocate } from './allocation';
import { SITE_REGIONS_SQL, assertRegionInScope, mayHandlePayment } from './billing-access';
import { BillingError, BillingErrorCode, billingCustomerNotFound } from './billing.errors';
import { PaymentDto } from './dto/billing-input.dto';
import { AllocationView, PaymentView } from './dto/billing-views.dto';
import { allocationData, ensureAndLockAccount, lockAccount, writeAllocations, writePaidAmounts } from './ledger';
import { fen } from './money';
import { recordOutcomeIn } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

const paymentNotFound = (id: string) => new BillingError(BillingErrorCode.PAYMENT_NOT_FOUND, `No payment ${id}`);

const toAllocationView = (a: Allocation): AllocationView => ({
  billId: a.billId,
  billNo: a.billNo,
  billLineId: a.lineId,
  servingRegion: a.servingRegion,
  amountFen: fen(a.amount),
});

/**
 * Payments at any service point. Each one locks the customer's billing
 * account, so concurrent payments for one customer are applied one after the
 * other and can never both pay the same line.
 */
@Injectable()
export class PaymentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly outbox: OutboxService,
    private readonly audit: AuditService,
  ) {}

  /** Takes the money, settles open bills oldest first line by line; the rest is credit. */
  async receive(auth: AuthContext, dto: PaymentDto): Promise<PaymentView> {
    this.regions.assertKnown('collectedRegion', dto.collectedRegion);
    assertRegionInScope(auth, 'collectedRegion', dto.collectedRegion);
    const post = new PostCommit();
    const id = randomUUID();
    const receivedAt = new Date();
    const allocations = await this.dataSource.transaction(async (em) => {
      await ensureAndLockAccount(em, dto.customerId);
      const account = (await lockAccount(em, dto.customerId, { openLines: true, alreadyLocked: true }))!;
      const amount = BigInt(dto.amountFen);
      // Older credit first (there is none while bills are open, but the rule holds regardless), then this payment.
      const allocations = allocate([...account.credits, { paymentId: id, remaining: amount }], account.openLines);
      const own = allocations.filter((a) => a.paymentId === id).reduce((s, a) => s + a.amount, 0n);
      const batch = new WriteBatch();
      batch.add(
        sql`INSERT INTO payments (id, customer_id, amount_fen, allocated_fen, collected_region, method, reference, received_by, received_at)
            VALUES (${id}, ${dto.customerId}, ${String(amount)}, ${String(own)}, ${dto.collectedRegion}, ${dto.method}, ${dto.reference ?? null},
                    ${auth.staffId}, ${receivedAt})`,
      );
      writeAllocations(batch, allocations, { paymentId: id });
      const data = {
        paymentId: id,
        customerId: dto.customerId,
        amountFen: dto.amountFen,
        collectedRegion: dto.collectedRegion,
        method: dto.method,
        allocatedFen: fen(own),
        creditFen: fen(amount - own),
        allocations: allocationData(allocations),
      };
      this.outbox.emitIn(batch, post, 'payment.received', data);
      this.audit.recordIn(batch, auth, {
        action: 'billing.payment_received',
        entity: 'payment',
        entityId: id,
        changes: { ...data, reference: dto.reference ?? null },
        regions: [dto.collectedRegion],
        customerId: dto.customerId,
      });
      recordOutcomeIn(batch, { resource: apiPath('payments', id) });
      await batch.run(em);
      return allocations;
    });
    await post.run();
    // Built from what was just written: no second read on the hot path.
    const allocated = allocations.filter((a) => a.paymentId === id);
    const own = allocated.reduce((s, a) => s + a.amount, 0n);
    return {
      id,
      customerId: dto.customerId,
      amountFen: dto.amountFen,
      collectedRegion: dto.collectedRegion,
      method: dto.method,
      reference: dto.reference ?? null,
      receivedAt,
      allocatedFen: fen(own),
      creditFen: fen(BigInt(dto.amountFen) - own),
      allocations: allocated.map(toAllocationView),
      reversedAt: null,
      reversalReason: null,
    };
  }

  /**
   * Undoes a payment exactly: its allocations (made when it was taken or
   * later, when a new bill consumed it as credit) are marked reversed and
   * their amounts taken off every line and bill; then any other credit on the
   * account settles the bills this reopened, as a payment would have.
   */
  async reverse(auth: AuthContext, id: string, reason: string): Promise<PaymentView> {
    const post = new PostCommit();
    const undone = await this.dataSource.transaction(async (em) => {
      const head = await this.assertMayHandle(em, auth, id);
      await lockAccount(em, head.customer_id, { openLines: false });
      const [payment] = await em.query(`SELECT reversed_at FROM payments WHERE id = $1`, [id]);
      if (payment.reversed_at) throw new BillingError(BillingErrorCode.PAYMENT_ALREADY_REVERSED, 'The payment was already reversed');
      const undone: { bill_id: string; bill_no: string; bill_line_id: string; serving_region: string; amount_fen: string }[] =
        await em.query(
          `WITH r AS (
           UPDATE payment_allocations SET reversed_at = now() WHERE payment_id = $1 AND reversed_at IS NULL
           RETURNING bill_id, bill_line_id, amount_fen)
         SELECT r.bill_id, b.bill_no, r.bill_line_id, l.serving_region, r.amount_fen::text AS amount_fen
           FROM r JOIN bills b ON b.id = r.bill_id JOIN bill_lines l ON l.id = r.bill_line_id`,
          [id],
        );
      const undoneAllocations: Allocation[] = undone.map((u) => ({
        paymentId: id,
        billId: u.bill_id,
        billNo: u.bill_no,
        lineId: u.bill_line_id,
        servingRegion: u.serving_region,
        amount: -BigInt(u.amount_fen),
      }));
      const batch = new WriteBatch();
      // The same writes as an allocation, with negative amounts: lines, bills (state back to partially_paid / issued).
      writePaidAmounts(batch, undoneAllocations);
      batch.add(
        sql`UPDATE payments SET allocated_fen = 0, reversed_at = now(), reversed_by = ${auth.staffId}, reversal_reason = ${reason} WHERE id = ${id}`,
      );
      await batch.run(em);
      const reapplied = await this.applyCredit(em, head.customer_id);
      const data = {
        paymentId: id,
        customerId: head.customer_id,
        reason,
        undone: allocationData(undoneAllocations).map((a) => ({ ...a, amountFen: -a.amountFen })),
        creditReapplied: allocationData(reapplied),
      };
      const events = new WriteBatch();
      this.outbox.emitIn(events, post, 'payment.reversed', data);
      this.audit.recordIn(events, auth, {
        action: 'billing.payment_reversed',
        entity: 'payment',
        entityId: id,
        changes: data,
        regions: [head.collected_region],
        customerId: head.customer_id,
      });
      await events.run(em);
      return undoneAllocations.map((a) => ({ ...a, amount: -a.amount }));
    });
    await post.run();
    return this.view(id, undone);
  }

  async get(auth: AuthContext, id: string): Promise<PaymentView> {
    // Billing staff read every payment (pay anywhere); a missing one is the view's 404.
    if (!hasRole(auth, 'billing')) await this.assertMayHandle(this.dataSource.manager, auth, id);
    const allocations: { bill_id: string; bill_no: string; bill_line_id: string; serving_region: string; amount_fen: string }[] =
      await this.dataSource.query(
        `SELECT a.bill_id, b.bill_no, a.bill_line_id, l.serving_region, a.amount_fen::text AS amount_fen
         FROM payment_allocations a JOIN bills b ON b.id = a.bill_id JOIN bill_lines l ON l.id = a.bill_line_id
        WHERE a.payment_id = $1 AND a.reversed_at IS NULL ORDER BY a.id`,
        [id],
      );
    return this.view(
      id,
      allocations.map((a) => ({
        paymentId: id,
        billId: a.bill_id,
        billNo: a.bill_no,
        lineId: a.bill_line_id,
        servingRegion: a.serving_region,
        amount: BigInt(a.amount_fen),
      })),
    );
  }

  /** 404 unless the payment’s collecting region or its customer is within the caller’s scope; returns its customer and region. */
  private async assertMayHandle(
    em: EntityManager,
    auth: AuthContext,
    id: string,
  ): Promise<{ customer_id: string; collected_region: string }> {
    const [head] = await em.query(
      `SELECT p.customer_id, p.collected_region, c.home_region, ${SITE_REGIONS_SQL} AS site_regions
         FROM payments p JOIN customers c ON c.id = p.customer_id WHERE p.id = $1`,
      [id],
    );
    if (!head) throw paymentNotFound(id);
    const customer = { homeRegion: head.home_region, siteRegions: head.site_regions };
    if (!mayHandlePayment(auth, { collectedRegion: head.collected_region }, customer)) throw paymentNotFound(id);
    return head;
  }

  /** Settles open lines from the account's credit (the caller holds the account lock). */
  private async applyCredit(em: EntityManager, customerId: string): Promise<Allocation[]> {
    const account = await lockAccount(em, customerId);
    if (!account) throw billingCustomerNotFound(customerId);
    const allocations = allocate(account.credits, account.openLines);
    const batch = new WriteBatch();
    writeAllocations(batch, allocations);
    await batch.run(em);
    return allocations;
  }

  private async view(id: string, allocations: Allocation[]): Promise<PaymentView> {
    const [p] = await this.dataSource.query(
      `SELECT id, customer_id AS "customerId", amount_fen::text AS amount, allocated_fen::text AS allocated, collected_region AS "collectedRegion",
              method, reference, received_at AS "receivedAt", reversed_at AS "reversedAt", reversal_reason AS "reversalReason"
         FROM payments WHERE id = $1`,
      [id],
    );
    if (!p) throw paymentNotFound(id);
    const { amount, allocated, ...rest } = p;
    return {
      ...rest,
      amountFen: fen(amount),
      allocatedFen: fen(allocated),
      creditFen: p.reversedAt ? 0 : fen(BigInt(amount) - BigInt(allocated)),
      allocations: allocations.map(toAllocationView),
    };
  }
}
