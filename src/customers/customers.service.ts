import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, SelectQueryBuilder } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { StaffService } from '../staff/staff.service';
import { AccountManagerTransfer } from './account-manager-transfer.entity';
import { Contact } from './contact.entity';
import { CustomerFootprint, assertCanManage, assertCanRead, assertMayGrant, footprintRegions, maySeeMobiles } from './customer-access';
import { toCustomerDto, toSummary } from './customer-view';
import { Customer } from './customer.entity';
import { CustomerError, CustomerErrorCode, customerNotFound } from './customers.errors';
import {
  ArchiveCustomerDto,
  CreateCustomerDto,
  CustomerDto,
  CustomerQuery,
  CustomerSummaryDto,
  TransferCustomerDto,
  TransferDto,
  UpdateCustomerDto,
} from './dto/customer.dto';
import { Site } from './site.entity';
import { escapeLike } from '../common/escape-like';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';

/** Counts above this are reported as this, with totalCapped: true. */
const COUNT_CAP = 10_000;
/** A mobile, a credit code or a customer number: looked up exactly, never as a name. */
const IDENTIFIER = /^(1[3-9][0-9]{9}|[0-9A-HJ-NPQRTUWXY]{18}|KA[0-9]{8})$/i;

export interface CaseContext extends CustomerFootprint {
  tier: Customer['tier'];
  greenChannel: boolean;
  archived: boolean;
  /** Region of the requested site, if it is this customer's. */
  siteRegion: string | null;
  /** The requested service instance's site and region, if it is this customer's. */
  instance: { siteId: string; region: string } | null;
}

export interface InstanceRef {
  productCode: string;
  siteId: string;
  state: string;
}

export interface OrderContext extends CustomerFootprint {
  tier: Customer['tier'];
  greenChannel: boolean;
  archived: boolean;
  /** The customer's sites among those asked for: id → region. */
  sites: Map<string, string>;
  /** The customer's service instances among those asked for. */
  instances: Map<string, InstanceRef>;
}

@Injectable()
export class CustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly regions: RegionsService,
    private readonly staff: StaffService,
    private readonly audit: AuditService,
  ) {}

  /** The customer's regions and owner, for access checks; optionally locked for the transaction. */
  async footprint(em: EntityManager, id: string, lock = false): Promise<CustomerFootprint & { customer: Customer }> {
    const customer = await em.findOne(Customer, { where: { id }, ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!customer) throw customerNotFound(id);
    const sites = await em.find(Site, { where: { customerId: id }, select: { region: true } });
    return {
      id,
      homeRegion: customer.homeRegion,
      siteRegions: sites.map((s) => s.region),
      accountManagerId: customer.accountManagerId,
      customer,
    };
  }

  /**
   * What a case needs to know when it is opened, in one query: the footprint
   * for access checks, tier and green channel for priority, and the region of
   * the named site or service instance (null when it is not this customer's).
   */
  async caseContext(
    em: EntityManager,
    customerId: string,
    refs: { siteId?: string; serviceInstanceId?: string } = {},
  ): Promise<CaseContext> {
    const [row] = await em.query(
      `SELECT c.tier, c.green_channel, c.home_region, c.account_manager_id, c.archived_at,
              coalesce((SELECT array_agg(s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}') AS site_regions,
              (SELECT s.region FROM customer_sites s WHERE s.id = $2 AND s.customer_id = c.id) AS site_region,
              (SELECT json_build_object('siteId', si.site_id, 'region', s.region)
                 FROM service_instances si JOIN customer_sites s ON s.id = si.site_id
                WHERE si.id = $3 AND si.customer_id = c.id) AS instance
         FROM customers c WHERE c.id = $1`,
      [customerId, refs.siteId ?? null, refs.serviceInstanceId ?? null],
    );
    if (!row) throw customerNotFound(customerId);
    return {
      id: customerId,
      tier: row.tier,
      greenChannel: row.green_channel,
      homeRegion: row.home_region,
      accountManagerId: row.account_manager_id,
      archived: row.archived_at !== null,
      siteRegions: row.site_regions,
      siteRegion: row.site_region,
      instance: row.instance,
    };
  }

  /**
   * What an order needs to know, in one query: the case context, plus which
   * of the named sites and service instances are this customer's (absent
   * from the maps when they are not).
   */
  async orderContext(em: EntityManager, customerId: string, siteIds: string[], instanceIds: string[]): Promise<OrderContext> {
    const [row] = await em.query(
      `SELECT c.tier, c.green_channel, c.home_region, c.account_manager_id, c.archived_at,
              coalesce((SELECT array_agg(s.region) FROM customer_sites s WHERE s.customer_id = c.id), '{}') AS site_regions,
              coalesce((SELECT json_object_agg(s.id, s.region) FROM customer_sites s WHERE s.customer_id = c.id AND s.id = ANY($2::uuid[])), '{}') AS sites,
              coalesce((SELECT json_object_agg(si.id, json_build_object('productCode', si.product_code, 'siteId', si.site_id, 'state', si.state))
                          FROM service_instances si WHERE si.customer_id = c.id AND si.id = ANY($3::uuid[])), '{}') AS instances
         FROM customers c WHERE c.id = $1`,
      [customerId, siteIds, instanceIds],
    );
    if (!row) throw customerNotFound(customerId);
    return {
      id: customerId,
      tier: row.tier,
      greenChannel: row.green_channel,
      homeRegion: row.home_region,
      accountManagerId: row.account_manager_id,
      archived: row.archived_at !== null,
      siteRegions: row.site_regions,
      sites: new Map(Object.entries(row.sites as Record<string, string>)),
      instances: new Map(Object.entries(row.instances as Record<string, InstanceRef>)),
    };
  }

  /** Home region and account manager: who owns the customer, for access to its cases. */
  async ownership(em: EntityManager, customerId: string): Promise<{ homeRegion: string; accountManagerId: string | null }> {
    const [row] = await em.query(`SELECT home_region, account_manager_id FROM customers WHERE id = $1`, [customerId]);
    if (!row) throw customerNotFound(customerId);
    return { homeRegion: row.home_region, accountManagerId: row.account_manager_id };
  }

  async create(auth: AuthContext, dto: CreateCustomerDto): Promise<CustomerDto> {
    this.regions.assertKnown('homeRegion', dto.homeRegion);
    dto.sites.forEach((s, i) => this.regions.assertKnown(`sites[${i}].region`, s.region));
    if (!covers(auth, dto.homeRegion)) {
      throw new CustomerError(CustomerErrorCode.CUSTOMER_OUT_OF_SCOPE, `Home region ${dto.homeRegion} is outside your region scope`);
    }
    if (dto.greenChannel) assertMayGrant(auth, 'greenChannel');
    if (dto.accountManagerId && dto.accountManagerId !== auth.staffId) assertMayGrant(auth, 'accountManagerId');
    const accountManagerId = dto.accountManagerId ?? (hasRole(auth, 'account_manager') ? auth.staffId : null);
    if (accountManagerId) await this.assertAccountManager('accountManagerId', accountManagerId);

    const id = await this.dataSource.transaction(async (em) => {
      if (await em.exists(Customer, { where: { creditCode: dto.creditCode } })) throw this.creditCodeTaken(dto.creditCode);
      const inserted = await em
        .insert(Customer, {
          name: dto.name,
          creditCode: dto.creditCode,
          tier: dto.tier,
          industry: dto.industry,
          homeRegion: dto.homeRegion,
          greenChannel: dto.greenChannel,
          accountManagerId,
          version: 1,
        })
        .catch((err: { driverError?: { code?: string; constraint?: string } }) => {
          // two creators racing past the check above: the unique index decides
          if (err.driverError?.code === '23505') throw this.creditCodeTaken(dto.creditCode);
          throw err;
        });
      const customerId = inserted.identifiers[0].id as string;
      if (dto.contacts.length)
        await em.insert(
          Contact,
          dto.contacts.map((c) => ({ ...c, customerId, version: 1 })),
        );
      if (dto.sites.length)
        await em.insert(
          Site,
          dto.sites.map((s) => ({ ...s, customerId, version: 1 })),
        );
      if (accountManagerId) {
        await em.insert(AccountManagerTransfer, {
          customerId,
          toAccountManagerId: accountManagerId,
          reason: 'assigned at creation',
          transferredBy: auth.staffId,
        });
      }
      await this.audit.record(em, auth, {
        action: 'customer.created',
        entity: 'customer',
        entityId: customerId,
        changes: { ...dto, accountManagerId },
        regions: [dto.homeRegion, ...dto.sites.map((s) => s.region)],
      });
      await recordOutcome(em, { resource: apiPath('customers', customerId) });
      return customerId;
    });
    return this.view(auth, id, false);
  }

  get(auth: AuthContext, id: string): Promise<CustomerDto> {
    return this.view(auth, id, true);
  }

  /**
   * The record as the caller may see it. `auditRead` is false when echoing a
   * change back to its author: that discloses nothing they did not just send.
   */
  private async view(auth: AuthContext, id: string, auditRead: boolean): Promise<CustomerDto> {
    const customer = await this.dataSource.getRepository(Customer).findOne({
      where: { id },
      relations: { contacts: true, sites: true, serviceInstances: true },
      order: { contacts: { createdAt: 'ASC' }, sites: { createdAt: 'ASC' }, serviceInstances: { createdAt: 'ASC' } },
    });
    if (!customer) throw customerNotFound(id);
    const { contacts = [], sites = [], serviceInstances = [] } = customer;
    assertCanRead(auth, {
      id,
      homeRegion: customer.homeRegion,
      siteRegions: sites.map((s) => s.region),
      accountManagerId: customer.accountManagerId,
    });
    const masked = !maySeeMobiles(auth, customer);
    if (auditRead && !masked && contacts.length) {
      await this.auditUnmaskedRead(auth, { id, homeRegion: customer.homeRegion, siteRegions: sites.map((s) => s.region) }, contacts.length);
    }
    return toCustomerDto({ ...customer, contacts, sites, serviceInstances }, masked, this.regions);
  }

  /** Every read that shows contact mobiles in full leaves an audit row (docs/ARCHITECTURE.md, "Security"). */
  auditUnmaskedRead(
    auth: AuthContext,
    customer: Pick<CustomerFootprint, 'id' | 'homeRegion' | 'siteRegions'>,
    contacts: number,
  ): Promise<void> {
    return this.audit.recordStandalone(auth, {
      action: 'customer.contacts_unmasked',
      entity: 'customer',
      entityId: customer.id,
      changes: { contactsShown: contacts },
      regions: footprintRegions(customer),
    });
  }

  async update(auth: AuthContext, id: string, dto: UpdateCustomerDto): Promise<CustomerDto> {
    const { expectedVersion, ...changes } = dto;
    if (changes.homeRegion) this.regions.assertKnown('homeRegion', changes.homeRegion);
    await this.dataSource.transaction(async (em) => {
      const fp = await this.footprint(em, id);
      assertCanManage(auth, fp);
      this.assertNotArchived(fp.customer);
      // Resending the value it already has changes nothing, so it needs no director.
      if (changes.greenChannel !== undefined && changes.greenChannel !== fp.customer.greenChannel) assertMayGrant(auth, 'greenChannel');
      if (changes.tier !== undefined && changes.tier !== fp.customer.tier) assertMayGrant(auth, 'tier');
      if (changes.homeRegion && !covers(auth, changes.homeRegion)) {
        throw new CustomerError(CustomerErrorCode.CUSTOMER_OUT_OF_SCOPE, `Home region ${changes.homeRegion} is outside your region scope`);
      }
      await guardedUpdate(em, Customer, { id }, expectedVersion, changes, 'customer');
      await this.audit.record(em, auth, {
        action: 'customer.updated',
        entity: 'customer',
        entityId: id,
        changes: changedFields(fp.customer, changes),
        // A move concerns the new home region too.
        regions: [...footprintRegions(fp), ...(changes.homeRegion ? [changes.homeRegion] : [])],
      });
    });
    return this.view(auth, id, false);
  }

  async list(auth: AuthContext, q: CustomerQuery): Promise<Page<CustomerSummaryDto>> {
    const qb = this.dataSource.getRepository(Customer).createQueryBuilder('c');
    if (!q.archived) qb.andWhere('c.archived_at IS NULL');
    if (q.tier) qb.andWhere('c.tier = :tier', { tier: q.tier });
    if (q.greenChannel !== undefined) qb.andWhere('c.green_channel = :gc', { gc: q.greenChannel });
    if (q.accountManagerId) qb.andWhere('c.account_manager_id = :am', { am: q.accountManagerId });
    if (q.region) this.inRegions(qb, [`${q.region.replace(/(00){1,2}$/, '')}%`], 'rf');
    const scope = scopePatterns(auth);
    if (scope) this.inRegions(qb, scope, 'sc');
    if (q.q) await this.search(qb, q.q);
    const rows = await qb.clone().orderBy('c.customer_no').limit(q.limit).offset(q.offset).getMany();
    const page = { items: rows.map(toSummary), limit: q.limit, offset: q.offset };
    // A page that is not full holds the last match: no need to count (an exact lookup, usually).
    if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) return { ...page, total: q.offset + rows.length };
    // Counting a broad name match exactly costs as much as the page itself: count up to a cap.
    const [sql, params] = qb
      .clone()
      .select('1')
      .limit(COUNT_CAP + 1)
      .getQueryAndParameters();
    const [{ n }] = await this.dataSource.query(`SELECT count(*)::int AS n FROM (${sql}) AS page`, params);
    return { ...page, total: Math.min(n, COUNT_CAP), ...(n > COUNT_CAP ? { totalCapped: true } : {}) };
  }

  /**
   * Customers whose home region or any site is under one of the prefixes. One
   * LIKE per prefix on each text_pattern_ops index, joined by UNION, so the
   * planner probes indexes instead of scanning every customer and site.
   */
  private inRegions(qb: SelectQueryBuilder<Customer>, patterns: string[], name: string): void {
    const params = Object.fromEntries(patterns.map((p, i) => [`${name}${i}`, p]));
    const any = (column: string) => patterns.map((_, i) => `${column} LIKE :${name}${i}`).join(' OR ');
    qb.andWhere(
      `c.id IN (SELECT id FROM customers WHERE ${any('home_region')} UNION SELECT customer_id FROM customer_sites WHERE ${any('region')})`,
      params,
    );
  }

  /**
   * The hotline's one search box. An identifier (mobile, credit code,
   * customer number) or an access number is an exact index lookup; anything
   * else is a name fragment, matched on the name's bigrams (exact for two
   * characters; longer fragments are confirmed with LIKE).
   */
  private async search(qb: SelectQueryBuilder<Customer>, raw: string): Promise<void> {
    const term = raw.trim();
    if (IDENTIFIER.test(term)) {
      qb.andWhere(
        `c.id IN (
          SELECT customer_id FROM customer_contacts WHERE mobile = :q
          UNION SELECT customer_id FROM service_instances WHERE access_no = :q
          UNION SELECT id FROM customers WHERE customer_no = upper(:q) OR credit_code = upper(:q))`,
        { q: term },
      );
      return;
    }
    const byAccessNo: { customer_id: string }[] = await this.dataSource.query(
      `SELECT customer_id FROM service_instances WHERE access_no = $1`,
      [term],
    );
    if (byAccessNo.length) {
      qb.andWhere('c.id IN (:...ids)', { ids: byAccessNo.map((r) => r.customer_id) });
      return;
    }
    const length = [...term].length;
    if (length < 2) throw invalidFields({ field: 'q', message: 'a name fragment needs at least 2 characters' });
    qb.andWhere('c.name_bigrams @> focus_one_bigrams(:q)', { q: term });
    if (length > 2) qb.andWhere('lower(c.name) LIKE :like', { like: `%${escapeLike(term.toLowerCase())}%` });
  }

  async transfer(auth: AuthContext, id: string, dto: TransferCustomerDto): Promise<CustomerDto> {
    await this.assertAccountManager('toAccountManagerId', dto.toAccountManagerId);
    await this.dataSource.transaction(async (em) => {
      const fp = await this.footprint(em, id, true);
      assertCanRead(auth, fp);
      if (fp.accountManagerId === dto.toAccountManagerId) {
        throw new CustomerError(CustomerErrorCode.CUSTOMER_ALREADY_MANAGED_BY, 'The customer already has this account manager');
      }
      await guardedUpdate(em, Customer, { id }, fp.customer.version, { accountManagerId: dto.toAccountManagerId }, 'customer');
      await em.insert(AccountManagerTransfer, {
        customerId: id,
        fromAccountManagerId: fp.accountManagerId,
        toAccountManagerId: dto.toAccountManagerId,
        reason: dto.reason,
        transferredBy: auth.staffId,
      });
      await this.audit.record(em, auth, {
        action: 'customer.transferred',
        entity: 'customer',
        entityId: id,
        changes: { accountManagerId: { from: fp.accountManagerId, to: dto.toAccountManagerId }, reason: dto.reason },
        regions: footprintRegions(fp),
      });
    });
    return this.view(auth, id, false);
  }

  async transfers(auth: AuthContext, id: string): Promise<TransferDto[]> {
    assertCanRead(auth, await this.footprint(this.dataSource.manager, id));
    return this.dataSource.getRepository(AccountManagerTransfer).find({ where: { customerId: id }, order: { transferredAt: 'ASC' } });
  }

  /** Archiving hides a customer from default lists and freezes it; nothing is ever erased. */
  async setArchived(auth: AuthContext, id: string, dto: ArchiveCustomerDto | null): Promise<CustomerDto> {
    const archive = dto !== null;
    await this.dataSource.transaction(async (em) => {
      const fp = await this.footprint(em, id, true);
      assertCanRead(auth, fp);
      if (archive === (fp.customer.archivedAt !== null)) {
        throw new CustomerError(
          archive ? CustomerErrorCode.CUSTOMER_ARCHIVED : CustomerErrorCode.CUSTOMER_NOT_ARCHIVED,
          archive ? 'The customer is already archived' : 'The customer is not archived',
        );
      }
      const changes = archive ? { archivedAt: new Date(), archiveReason: dto.reason } : { archivedAt: null, archiveReason: null };
      await guardedUpdate(em, Customer, { id }, fp.customer.version, changes, 'customer');
      await this.audit.record(em, auth, {
        action: archive ? 'customer.archived' : 'customer.restored',
        entity: 'customer',
        entityId: id,
        changes: archive ? { reason: dto.reason } : {},
        regions: footprintRegions(fp),
      });
    });
    return this.view(auth, id, false);
  }

  assertNotArchived(customer: Customer): void {
    if (customer.archivedAt) throw new CustomerError(CustomerErrorCode.CUSTOMER_ARCHIVED, 'The customer is archived; restore it first');
  }

  private async assertAccountManager(field: string, staffId: string): Promise<void> {
    if (!(await this.staff.findActiveWithRole(staffId, 'account_manager'))) {
      throw invalidFields({ field, message: 'must be an active staff member with the account_manager role' });
    }
  }

  private creditCodeTaken(code: string) {
    return new CustomerError(CustomerErrorCode.CUSTOMER_CREDIT_CODE_TAKEN, `A customer with credit code ${code} already exists`);
  }
}
