import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { covers } from '../common/auth/region-scope';
import { FieldError } from '../common/errors/domain-error';
import { invalidFields } from '../common/errors/common-errors';
import { WriteBatch } from '../common/write-batch';
import { RegionsService } from '../regions/regions.service';
import { createAccountReadingSites, createAccountsReadingSites } from './accounts.repository';
import { ChargeRow, chargeByKey, chargesByKeys, chargesPage, insertCharge, insertCharges, instanceOwners } from './charges.repository';
import { NOT_A_SERVING_REGION, assertRegionInScope, servesCustomer } from './billing-access';
import { BillingError, BillingErrorCode, billingCustomerNotFound } from './billing.errors';
import { ChargeDto, ChargesQuery } from './dto/billing-input.dto';
import { hasRole } from '../common/auth/auth-context';
import { scopePatterns } from '../common/auth/region-scope';
import { Page } from '../common/pagination/page';
import { ChargeBatchResultDto, ChargeView } from './dto/billing-views.dto';
import { FUTURE_PERIOD, fen, isFuturePeriod } from './money';
import { recordOutcome, recordOutcomeIn } from '../common/idempotency/idempotent-outcome';

const toView = (r: ChargeRow): ChargeView => ({ ...r, amountFen: fen(r.amountFen) });

/** A resend must carry the same content as the charge its sourceRef already names. */
const sameContent = (stored: ChargeView, sent: ChargeDto) =>
  stored.customerId === sent.customerId &&
  stored.serviceInstanceId === (sent.serviceInstanceId ?? null) &&
  stored.period === sent.period &&
  stored.kind === sent.kind &&
  stored.amountFen === sent.amountFen &&
  stored.description === sent.description;

const MAX_LISTED_CONFLICTS = 20;
/** A list's total is counted up to this (totalCapped beyond): a nationwide list of charges can hold millions. */
const COUNT_CAP = 10_000;

/**
 * Charges from the regional systems. A charge's (serviceRegion, sourceRef)
 * is unique: a regional system may resend anything it is unsure about; the
 * same content is accepted without change, other content is a 409.
 */
@Injectable()
export class ChargesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
  ) {}

  /** One charge; `created` is false when it is a resend of an existing one. */
  async post(auth: AuthContext, dto: ChargeDto): Promise<{ created: boolean; charge: ChargeView }> {
    this.regions.assertKnown('serviceRegion', dto.serviceRegion);
    assertRegionInScope(auth, 'serviceRegion', dto.serviceRegion);
    this.assertSign(dto, 'amountFen');
    if (isFuturePeriod(dto.period)) throw invalidFields({ field: 'period', message: FUTURE_PERIOD });
    return this.dataSource.transaction(async (em) => {
      const serving = await createAccountReadingSites(em, dto.customerId);
      if (!serving) throw billingCustomerNotFound(dto.customerId);
      if (!servesCustomer(dto.serviceRegion, serving)) throw invalidFields({ field: 'serviceRegion', message: NOT_A_SERVING_REGION });
      if (dto.serviceInstanceId) await this.assertInstances(em, [dto], () => 'serviceInstanceId');
      const inserted = await insertCharge(em, dto, auth.staffId);
      if (!inserted) {
        const charge = toView((await chargeByKey(em, dto.serviceRegion, dto.sourceRef))!);
        if (!sameContent(charge, dto)) throw this.conflict([dto.sourceRef]);
        return { created: false, charge };
      }
      const charge = toView(inserted);
      await this.audit.record(em, auth, {
        action: 'billing.charge_posted',
        entity: 'charge',
        entityId: charge.id,
        changes: { ...dto },
        regions: [dto.serviceRegion],
        customerId: dto.customerId,
      });
      // A charge has no URL of its own to read back: the answer itself commits with it.
      await recordOutcome(em, { body: charge });
      return { created: true, charge };
    });
  }

  /**
   * Up to 10,000 charges, all or nothing: every charge is checked first (each
   * bad one named as charges[i].field), then one multi-row INSERT from
   * arrays; resends are compared with what is stored, and any with other
   * content rolls the whole batch back (409 listing them).
   */
  async postBatch(auth: AuthContext, charges: ChargeDto[]): Promise<ChargeBatchResultDto> {
    const errors: FieldError[] = [];
    const now = new Date();
    charges.forEach((c, i) => {
      if (isFuturePeriod(c.period, now)) errors.push({ field: `charges[${i}].period`, message: FUTURE_PERIOD });
      if (!this.regions.find(c.serviceRegion))
        errors.push({ field: `charges[${i}].serviceRegion`, message: 'is not a GB/T 2260 region code in the reference table' });
      else if (!covers(auth, c.serviceRegion))
        errors.push({ field: `charges[${i}].serviceRegion`, message: 'is outside your region scope' });
      if (c.kind !== 'adjustment' && c.amountFen < 0)
        errors.push({ field: `charges[${i}].amountFen`, message: 'may be negative only for an adjustment' });
    });
    if (errors.length) throw invalidFields(...errors.slice(0, 100));

    return this.dataSource.transaction(async (em) => {
      const customerIds = [...new Set(charges.map((c) => c.customerId))];
      // One query for the whole batch: which customers exist (their accounts created) and where each has sites.
      const serving = await createAccountsReadingSites(em, customerIds);
      const bad = charges.flatMap((c, i) => {
        const sites = serving.get(c.customerId);
        if (!sites) return [{ field: `charges[${i}].customerId`, message: 'is not a customer' }];
        return servesCustomer(c.serviceRegion, sites) ? [] : [{ field: `charges[${i}].serviceRegion`, message: NOT_A_SERVING_REGION }];
      });
      if (bad.length) throw invalidFields(...bad.slice(0, 100));
      await this.assertInstances(em, charges, (i) => `charges[${i}].serviceInstanceId`);

      const inserted = await insertCharges(em, charges, auth.staffId);
      const key = (region: string, ref: string) => `${region}\u0000${ref}`;
      const created = new Set(inserted.map((r) => key(r.serviceRegion, r.sourceRef)));
      // The first occurrence of an inserted key is the new charge; every other one is a resend to compare.
      const firsts = new Set<string>();
      const resends = charges.filter((c) => {
        const k = key(c.serviceRegion, c.sourceRef);
        if (created.has(k) && !firsts.has(k)) {
          firsts.add(k);
          return false;
        }
        return true;
      });
      if (resends.length) {
        const stored = await chargesByKeys(em, resends);
        const byKey = new Map(stored.map((r) => [key(r.serviceRegion, r.sourceRef), toView(r)]));
        const conflicts = resends.filter((c) => !sameContent(byKey.get(key(c.serviceRegion, c.sourceRef))!, c));
        if (conflicts.length) throw this.conflict(conflicts.map((c) => c.sourceRef));
      }
      const totalFen = fen(charges.reduce((s, c) => s + BigInt(c.amountFen), 0n));
      const result = { total: charges.length, created: inserted.length, unchanged: charges.length - inserted.length, totalFen };
      const batch = new WriteBatch();
      this.audit.recordIn(batch, auth, {
        action: 'billing.charges_posted',
        entity: 'charge_batch',
        entityId: `${auth.requestId ?? 'batch'}`,
        changes: {
          total: charges.length,
          created: inserted.length,
          unchanged: charges.length - inserted.length,
          totalFen,
          customers: customerIds.length,
        },
        regions: [...new Set(charges.map((c) => c.serviceRegion))],
      });
      recordOutcomeIn(batch, { body: result });
      await batch.run(em);
      return result;
    });
  }

  /**
   * Charges newest first. Billing staff read every customer's (pay anywhere,
   * billing-access.ts); anyone else (directors) only those of customers in
   * their scope: the others are simply not listed.
   */
  async list(auth: AuthContext, q: ChargesQuery): Promise<Page<ChargeView>> {
    const { charges, counted } = await chargesPage(
      this.dataSource.manager,
      {
        customerId: q.customerId,
        period: q.period,
        billed: q.billed,
        scopePatterns: hasRole(auth, 'billing') ? null : scopePatterns(auth),
      },
      { limit: q.limit, offset: q.offset, countUpTo: COUNT_CAP + 1 },
    );
    return {
      items: charges.map(toView),
      total: Math.min(counted, COUNT_CAP),
      ...(counted > COUNT_CAP ? { totalCapped: true } : {}),
      limit: q.limit,
      offset: q.offset,
    };
  }

  private assertSign(dto: ChargeDto, field: string): void {
    if (dto.kind !== 'adjustment' && dto.amountFen < 0) throw invalidFields({ field, message: 'may be negative only for an adjustment' });
  }

  /** A named service instance must be one of the charge's customer's. */
  private async assertInstances(em: EntityManager, charges: ChargeDto[], field: (i: number) => string): Promise<void> {
    const ids = [...new Set(charges.map((c) => c.serviceInstanceId).filter((x): x is string => !!x))];
    if (!ids.length) return;
    const owner = await instanceOwners(em, ids);
    const bad = charges.flatMap((c, i) =>
      c.serviceInstanceId && owner.get(c.serviceInstanceId) !== c.customerId
        ? [{ field: field(i), message: 'is not a service instance of this customer' }]
        : [],
    );
    if (bad.length) throw invalidFields(...bad.slice(0, 100));
  }

  private conflict(sourceRefs: string[]) {
    return new BillingError(
      BillingErrorCode.CHARGE_SOURCE_REF_CONFLICT,
      `A charge with the same sourceRef in the same region exists with other content (${sourceRefs.length}); nothing was written`,
      { extensions: { sourceRefs: sourceRefs.slice(0, MAX_LISTED_CONFLICTS) } },
    );
  }
}
