import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { PostCommit } from '../common/post-commit';
import { WriteBatch } from '../common/write-batch';
import { OutboxService } from '../outbox/outbox.service';
import { RegionsService } from '../regions/regions.service';
import { createOrLockAccount, customerRegions, lockAccount } from './accounts.repository';
import { Allocation, allocate, allocationData } from './allocation';
import { assertRegionInScope, mayHandlePayment, mayReadBillingOf } from './billing-access';
import { Page } from '../common/pagination/page';
import { BillingError, BillingErrorCode, billingCustomerNotFound } from './billing.errors';
import { PaymentDto, PaymentsQuery } from './dto/billing-input.dto';
import { AllocationView, PaymentSummaryView, PaymentView } from './dto/billing-views.dto';
import { fen } from './money';
import {
  PaymentHead,
  insertPaymentIn,
  isPaymentReversed,
  liveAllocationsOf,
  markPaymentReversedIn,
  paymentById,
  paymentHead,
  paymentWithReference,
  paymentsOfCustomer,
  PAYMENT_REFERENCE_INDEX,
  readLedger,
  reverseAllocationsOf,
  writeAllocationsIn,
  writePaidAmountsIn,
} from './payments.repository';
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
    if (dto.allowDuplicateReference && !hasRole(auth, 'director')) {
      throw new BillingError(
        BillingErrorCode.PAYMENT_DUPLICATE_NEEDS_DIRECTOR,
        'Only a director may take a payment whose reference was already used (allowDuplicateReference)',
        { extensions: { field: 'allowDuplicateReference' } },
      );
    }
    const post = new PostCommit();
    const id = randomUUID();
    const receivedAt = new Date();
    const allocations = await this.dataSource
      .transaction((em) => this.takePayment(em, post, auth, dto, id, receivedAt))
      .catch((err: { driverError?: { code?: string; constraint?: string } }) => {
        // Payments lock the account, so a second one with the same reference sees the first committed and fails on the index.
        if (err.driverError?.code === '23505' && err.driverError.constraint === PAYMENT_REFERENCE_INDEX)
          return this.duplicateReference(dto);
        throw err;
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

  /** The 409 for a reference already held by a live payment of the customer in that region, naming that payment. */
  private async duplicateReference(dto: PaymentDto): Promise<never> {
    const held = await paymentWithReference(this.dataSource.manager, {
      customerId: dto.customerId,
      collectedRegion: dto.collectedRegion,
      reference: dto.reference!,
    });
    throw new BillingError(
      BillingErrorCode.PAYMENT_REFERENCE_DUPLICATE,
      `A payment with reference ${dto.reference} was already taken for this customer in ${dto.collectedRegion}; nothing was written ` +
        '(a director may send allowDuplicateReference: true)',
      { extensions: { field: 'reference', reference: dto.reference, existingPaymentId: held?.id ?? null } },
    );
  }

  /** The payment's one transaction: lock, read the ledger, write everything (five round trips in all, pinned). */
  private async takePayment(
    em: EntityManager,
    post: PostCommit,
    auth: AuthContext,
    dto: PaymentDto,
    id: string,
    receivedAt: Date,
  ): Promise<Allocation[]> {
    // A payment may come before any charge: the account is created here if need be.
    if (!(await createOrLockAccount(em, dto.customerId))) throw billingCustomerNotFound(dto.customerId);
    const account = (await readLedger(em, dto.customerId))!;
    const amount = BigInt(dto.amountFen);
    // Older credit first (there is none while bills are open, but the rule holds regardless), then this payment.
    const allocations = allocate([...account.credits, { paymentId: id, remaining: amount }], account.openLines);
    const own = allocations.filter((a) => a.paymentId === id).reduce((s, a) => s + a.amount, 0n);
    const batch = new WriteBatch();
    insertPaymentIn(batch, {
      id,
      customerId: dto.customerId,
      amount,
      allocated: own,
      collectedRegion: dto.collectedRegion,
      method: dto.method,
      reference: dto.reference ?? null,
      duplicateReferenceAllowed: !!dto.allowDuplicateReference && !!dto.reference,
      receivedBy: auth.staffId,
      receivedAt,
    });
    writeAllocationsIn(batch, allocations, { paymentId: id });
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
      changes: { ...data, reference: dto.reference ?? null, ...(dto.allowDuplicateReference ? { allowDuplicateReference: true } : {}) },
      regions: [dto.collectedRegion],
      customerId: dto.customerId,
    });
    recordOutcomeIn(batch, { resource: apiPath('payments', id) });
    await batch.run(em);
    return allocations;
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
      // A payment's account exists (payments reference it), and stays locked until commit.
      await lockAccount(em, head.customerId);
      if (await isPaymentReversed(em, id))
        throw new BillingError(BillingErrorCode.PAYMENT_ALREADY_REVERSED, 'The payment was already reversed');
      const undoneAllocations = (await reverseAllocationsOf(em, id)).map((a) => ({ ...a, amount: -a.amount }));
      const batch = new WriteBatch();
      // The same writes as an allocation, with negative amounts: lines, bills (state back to partially_paid / issued).
      writePaidAmountsIn(batch, undoneAllocations);
      markPaymentReversedIn(batch, { id, reversedBy: auth.staffId, reason });
      await batch.run(em);
      const reapplied = await this.applyCredit(em, head.customerId);
      const data = {
        paymentId: id,
        customerId: head.customerId,
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
        regions: [head.collectedRegion],
        customerId: head.customerId,
      });
      await events.run(em);
      return undoneAllocations.map((a) => ({ ...a, amount: -a.amount }));
    });
    await post.run();
    return this.view(id, undone);
  }

  /**
   * A customer's payments, newest first, as `GET /customers/:id/payments`
   * lists them: billing staff for every customer (pay anywhere), anyone else
   * (directors) only for a customer in their scope (404 otherwise).
   */
  async customerPayments(auth: AuthContext, customerId: string, q: PaymentsQuery): Promise<Page<PaymentSummaryView>> {
    const em = this.dataSource.manager;
    const customer = await customerRegions(em, customerId);
    if (!customer || !mayReadBillingOf(auth, customer)) throw billingCustomerNotFound(customerId);
    const { payments, total } = await paymentsOfCustomer(em, customerId, q);
    return {
      items: payments.map(({ amount, allocated, ...p }) => ({
        ...p,
        amountFen: fen(amount),
        allocatedFen: fen(allocated),
        creditFen: p.reversedAt ? 0 : fen(amount - allocated),
      })),
      total,
      limit: q.limit,
      offset: q.offset,
    };
  }

  async get(auth: AuthContext, id: string): Promise<PaymentView> {
    // Billing staff read every payment (pay anywhere); a missing one is the view's 404.
    if (!hasRole(auth, 'billing')) await this.assertMayHandle(this.dataSource.manager, auth, id);
    return this.view(id, await liveAllocationsOf(this.dataSource.manager, id));
  }

  /** 404 unless the payment’s collecting region or its customer is within the caller’s scope; returns its customer and region. */
  private async assertMayHandle(em: EntityManager, auth: AuthContext, id: string): Promise<PaymentHead> {
    const head = await paymentHead(em, id);
    if (!head || !mayHandlePayment(auth, { collectedRegion: head.collectedRegion }, head)) throw paymentNotFound(id);
    return head;
  }

  /** Settles open lines from the account's credit (the caller holds the account lock). */
  private async applyCredit(em: EntityManager, customerId: string): Promise<Allocation[]> {
    const account = await readLedger(em, customerId);
    if (!account) throw billingCustomerNotFound(customerId);
    const allocations = allocate(account.credits, account.openLines);
    const batch = new WriteBatch();
    writeAllocationsIn(batch, allocations);
    await batch.run(em);
    return allocations;
  }

  private async view(id: string, allocations: Allocation[]): Promise<PaymentView> {
    const p = await paymentById(this.dataSource.manager, id);
    if (!p) throw paymentNotFound(id);
    const { amount, allocated, ...rest } = p;
    return {
      ...rest,
      amountFen: fen(amount),
      allocatedFen: fen(allocated),
      creditFen: p.reversedAt ? 0 : fen(amount - allocated),
      allocations: allocations.map(toAllocationView),
    };
  }
}
