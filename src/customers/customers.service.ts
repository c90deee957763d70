import type { StaffRefDto } from '../staff/dto/staff-ref.dto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { lookupTerm } from '../common/lookup-term';
import { CUSTOMER_REFERENCES } from './customer-references.port';
import type { CustomerReferences } from './customer-references.port';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import { AuthContext, hasRole } from '../common/auth/auth-context';
import { covers, scopePatterns } from '../common/auth/region-scope';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import type { ReadBatch } from '../common/read-batch';
import type { Db } from '../common/sql';
import type { BatchPart } from '../common/write-batch';
import { Page } from '../common/pagination/page';
import { RegionsService } from '../regions/regions.service';
import { StaffService } from '../staff/staff.service';
import { CustomerFootprint, assertCanManage, assertCanRead, assertMayGrant, footprintRegions, maySeeMobiles } from './customer-access.port';
import { toCustomerDto } from './customer-view';
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
import type { RecordFilter } from './customers.repository';
import type { OrderContextHead } from './customers.repository';
import {
  CustomerFilter,
  CustomerSearch,
  InstanceRef,
  caseContextOf,
  countCustomersUpTo,
  creditCodeInUse,
  customerPage,
  customerRecordPage,
  customerWithParts,
  accountManagersOf,
  customersByAccessNoOrContact,
  findCustomer,
  insertContacts,
  insertCustomer,
  insertSites,
  insertTransfer,
  orderContextIn,
  ownershipOf,
  siteRegionsOf,
  transfersOf,
} from './customers.repository';
import { escapeLike } from '../common/escape-like';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { apiPath } from '../common/http/api-path';
import { PostCommit } from '../common/post-commit';
import { OutboxService } from '../outbox/outbox.service';
import { customerCreatedEvent, customerUpdatedEvent } from './customer-events';

/** How often updateLatest tries a change that keeps meeting a concurrent writer. */
const MAX_UNVERSIONED_TRIES = 3;

/** Counts above this are reported as this, with totalCapped: true. */
const COUNT_CAP = 10_000;

/** What a case's events name (read with the context: no extra query on the intake path). */
export interface CustomerNames {
  name: string;
  accountManagerName: string | null;
}

export interface CaseContext extends CustomerFootprint, CustomerNames {
  tier: Customer['tier'];
  greenChannel: boolean;
  contract24x7: boolean;
  archived: boolean;
  /** Region of the requested site, if it is this customer's. */
  siteRegion: string | null;
  /** The requested service instance's site and region, if it is this customer's. */
  instance: { siteId: string; region: string } | null;
}

export type { InstanceRef } from './customers.repository';

export interface OrderContext extends CustomerFootprint, CustomerNames {
  tier: Customer['tier'];
  greenChannel: boolean;
  contract24x7: boolean;
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
    private readonly outbox: OutboxService,
    // Optional: a process without the console (none today) finds nothing by case or bill number.
    @Optional() @Inject(CUSTOMER_REFERENCES) private readonly references?: CustomerReferences,
  ) {}

  /** The customer's regions and owner, for access checks; optionally locked for the transaction. */
  async footprint(em: EntityManager, id: string, lock = false): Promise<CustomerFootprint & { customer: Customer }> {
    const customer = await findCustomer(em, id, lock);
    if (!customer) throw customerNotFound(id);
    const siteRegions = await siteRegionsOf(em, id);
    return {
      id,
      homeRegion: customer.homeRegion,
      siteRegions,
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
    const row = await caseContextOf(em, customerId, refs.siteId ?? null, refs.serviceInstanceId ?? null);
    if (!row) throw customerNotFound(customerId);
    return { id: customerId, ...row };
  }

  /**
   * What an order needs to know, as a part of its batch of reads: the case
   * context, plus which of the named sites and service instances are this
   * customer's (absent from the maps when they are not). Reading the part
   * throws the 404 when there is no such customer.
   */
  orderContextIn(batch: ReadBatch, customerId: string, siteIds: string[], instanceIds: string[]): BatchPart<OrderContext> {
    return orderContextIn(batch, customerId, siteIds, instanceIds).map((row) => toOrderContext(customerId, row));
  }

  /**
   * Each customer's account manager by name and work phone (null: none), for
   * the cases that show who manages their customer: two queries for any
   * number of customers.
   */
  async accountManagerRefs(customerIds: string[]): Promise<Map<string, StaffRefDto | null>> {
    const unique = [...new Set(customerIds)];
    if (!unique.length) return new Map();
    const managers = await accountManagersOf(this.dataSource.manager, unique);
    const refs = await this.staff.refs(unique.map((id) => managers.get(id)));
    return new Map(unique.map((id, i) => [id, refs[i]]));
  }

  /**
   * Each customer's account manager id (null: none), in one query; unknown ids
   * are left out. `db`: a caller's transaction reads through its own connection.
   */
  accountManagerIds(customerIds: string[], db: Db = this.dataSource.manager): Promise<Map<string, string | null>> {
    const unique = [...new Set(customerIds)];
    return unique.length ? accountManagersOf(db, unique) : Promise.resolve(new Map<string, string | null>());
  }

  /** Home region and account manager: who owns the customer, for access to its cases. */
  async ownership(em: EntityManager, customerId: string): Promise<{ homeRegion: string; accountManagerId: string | null }> {
    const owner = await ownershipOf(em, customerId);
    if (!owner) throw customerNotFound(customerId);
    return owner;
  }

  async create(auth: AuthContext, dto: CreateCustomerDto): Promise<CustomerDto> {
    this.regions.assertKnown('homeRegion', dto.homeRegion);
    dto.sites.forEach((s, i) => this.regions.assertKnown(`sites[${i}].region`, s.region));
    if (!covers(auth, dto.homeRegion)) {
      throw new CustomerError(CustomerErrorCode.CUSTOMER_OUT_OF_SCOPE, `Home region ${dto.homeRegion} is outside your region scope`);
    }
    if (dto.greenChannel) assertMayGrant(auth, 'greenChannel');
    if (dto.contract24x7) assertMayGrant(auth, 'contract24x7');
    if (dto.accountManagerId && dto.accountManagerId !== auth.staffId) assertMayGrant(auth, 'accountManagerId');
    const accountManagerId = dto.accountManagerId ?? (hasRole(auth, 'account_manager') ? auth.staffId : null);
    if (accountManagerId) await this.assertAccountManager('accountManagerId', accountManagerId);

    const post = new PostCommit();
    const id = await this.dataSource.transaction(async (em) => {
      if (await creditCodeInUse(em, dto.creditCode)) throw this.creditCodeTaken(dto.creditCode);
      const customerId = await insertCustomer(em, {
        name: dto.name,
        creditCode: dto.creditCode,
        tier: dto.tier,
        industry: dto.industry,
        homeRegion: dto.homeRegion,
        greenChannel: dto.greenChannel,
        contract24x7: dto.contract24x7 ?? false,
        accountManagerId,
      }).catch((err: { driverError?: { code?: string; constraint?: string } }) => {
        // two creators racing past the check above: the unique index decides
        if (err.driverError?.code === '23505') throw this.creditCodeTaken(dto.creditCode);
        throw err;
      });
      if (dto.contacts.length) await insertContacts(em, customerId, dto.contacts);
      if (dto.sites.length) await insertSites(em, customerId, dto.sites);
      if (accountManagerId) {
        await insertTransfer(em, {
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
      await this.outbox.emit(em, post, 'customer.created', customerCreatedEvent((await findCustomer(em, customerId))!));
      await recordOutcome(em, { resource: apiPath('customers', customerId) });
      return customerId;
    });
    await post.run();
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
    const customer = await customerWithParts(this.dataSource.manager, id);
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
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const fp = await this.footprint(em, id);
      assertCanManage(auth, fp);
      this.assertNotArchived(fp.customer);
      // Resending the value it already has changes nothing, so it needs no director.
      if (changes.greenChannel !== undefined && changes.greenChannel !== fp.customer.greenChannel) assertMayGrant(auth, 'greenChannel');
      if (changes.tier !== undefined && changes.tier !== fp.customer.tier) assertMayGrant(auth, 'tier');
      if (changes.contract24x7 !== undefined && changes.contract24x7 !== fp.customer.contract24x7) assertMayGrant(auth, 'contract24x7');
      if (changes.homeRegion && !covers(auth, changes.homeRegion)) {
        throw new CustomerError(CustomerErrorCode.CUSTOMER_OUT_OF_SCOPE, `Home region ${changes.homeRegion} is outside your region scope`);
      }
      await guardedUpdate(em, Customer, { id }, expectedVersion, changes, 'customer');
      const changed = changedFields(fp.customer, changes);
      await this.audit.record(em, auth, {
        action: 'customer.updated',
        entity: 'customer',
        entityId: id,
        changes: changed,
        // A move concerns the new home region too.
        regions: [...footprintRegions(fp), ...(changes.homeRegion ? [changes.homeRegion] : [])],
      });
      await this.announceChange(em, post, id, Object.keys(changed));
    });
    await post.run();
    return this.view(auth, id, false);
  }

  /**
   * Whole records (contacts, sites, service instances) in the caller's
   * scope, newest first, with how many match: the TMF629 list. Mobiles are
   * masked per customer by the usual rule, and each record shown unmasked
   * leaves its audit row, as a single read does.
   */
  async records(
    auth: AuthContext,
    f: Omit<RecordFilter, 'scope'>,
    limit: number,
    offset: number,
  ): Promise<{ items: CustomerDto[]; total: number }> {
    const { rows, total } = await customerRecordPage(this.dataSource.manager, { ...f, scope: scopePatterns(auth) }, limit, offset);
    const items: CustomerDto[] = [];
    for (const customer of rows) {
      const { contacts = [], sites = [], serviceInstances = [] } = customer;
      const masked = !maySeeMobiles(auth, customer);
      if (!masked && contacts.length) {
        await this.auditUnmaskedRead(
          auth,
          { id: customer.id, homeRegion: customer.homeRegion, siteRegions: sites.map((s) => s.region) },
          contacts.length,
        );
      }
      items.push(toCustomerDto({ ...customer, contacts, sites, serviceInstances }, masked, this.regions));
    }
    return { items, total };
  }

  /**
   * A change without a version from the client (TMF629 PATCH, a JSON merge
   * patch: TMF has no version field). Each try is the versioned update
   * above at the version read just before it: the guarded update refuses it
   * if anyone wrote in between, and then it is tried again on the newer row,
   * its checks evaluated afresh. So a concurrent writer's change is never
   * overwritten unseen except on the very fields this change names (last
   * writer wins on those, as a versionless PATCH means), never half applied.
   * After MAX_UNVERSIONED_TRIES stale tries the 409 goes to the client.
   */
  async updateLatest(auth: AuthContext, id: string, changes: Omit<UpdateCustomerDto, 'expectedVersion'>): Promise<CustomerDto> {
    for (let attempt = 1; ; attempt++) {
      const current = await findCustomer(this.dataSource.manager, id);
      if (!current) throw customerNotFound(id);
      try {
        return await this.update(auth, id, { ...changes, expectedVersion: current.version });
      } catch (err) {
        if (attempt >= MAX_UNVERSIONED_TRIES || (err as { code?: string }).code !== 'STALE_VERSION') throw err;
      }
    }
  }

  async list(auth: AuthContext, q: CustomerQuery): Promise<Page<CustomerSummaryDto>> {
    const em = this.dataSource.manager;
    const filter: CustomerFilter = {
      archived: q.archived,
      tier: q.tier,
      greenChannel: q.greenChannel,
      accountManagerId: q.accountManagerId,
      regionPatterns: q.region ? [`${q.region.replace(/(00){1,2}$/, '')}%`] : undefined,
      scope: scopePatterns(auth),
      search: q.q ? await this.search(auth, q.q) : undefined,
    };
    const rows = await customerPage(this.dataSource, filter, q.limit, q.offset);
    // Fields in PageOf's order, the order @SerializedPageOf writes them in.
    const page = { limit: q.limit, offset: q.offset };
    // A page that is not full holds the last match: no need to count (an exact lookup, usually).
    if (rows.length < q.limit && (rows.length > 0 || q.offset === 0)) return { items: rows, total: q.offset + rows.length, ...page };
    // Counting a broad name match exactly costs as much as the page itself: count up to a cap.
    const n = await countCustomersUpTo(em, filter, COUNT_CAP + 1);
    return { items: rows, total: Math.min(n, COUNT_CAP), ...(n > COUNT_CAP ? { totalCapped: true } : {}), ...page };
  }

  /**
   * The hotline's one search box, read by lookupTerm (src/common/lookup-term.ts:
   * full-width, lower case and however a mobile is typed). An identifier
   * (mobile, credit code, customer number) or an access number is an exact
   * index lookup; a case or bill number asks CUSTOMER_REFERENCES for its
   * customer (a case the caller may not see finds nothing); anything else is
   * a name fragment, matched on the bigrams of the customer's name or of a
   * contact's name (exact for two characters; longer fragments are confirmed
   * with LIKE). The access number and contact probes are one round trip.
   */
  private async search(auth: AuthContext, raw: string): Promise<CustomerSearch> {
    const term = lookupTerm(raw);
    if (term.by === 'mobile' || term.by === 'customer_no' || term.by === 'credit_code') return { by: 'identifier', term: term.value };
    if (term.by === 'reference') {
      const customerId = this.references ? await this.references.customerOf(auth, term.value) : null;
      return { by: 'ids', ids: customerId ? [customerId] : [] };
    }
    const name = term.name;
    const length = [...name].length;
    const like = length > 2 ? `%${escapeLike(name.toLowerCase())}%` : null;
    const found = await customersByAccessNoOrContact(this.dataSource, term.value, length >= 2 ? { term: name, like } : null);
    if (found.byAccessNo.length) return { by: 'ids', ids: found.byAccessNo };
    if (length < 2) throw invalidFields({ field: 'q', message: 'a name fragment needs at least 2 characters' });
    return { by: 'name', term: name, like, contactCustomerIds: found.byContactName };
  }

  async transfer(auth: AuthContext, id: string, dto: TransferCustomerDto): Promise<CustomerDto> {
    await this.assertAccountManager('toAccountManagerId', dto.toAccountManagerId);
    const post = new PostCommit();
    await this.dataSource.transaction(async (em) => {
      const fp = await this.footprint(em, id, true);
      assertCanRead(auth, fp);
      if (fp.accountManagerId === dto.toAccountManagerId) {
        throw new CustomerError(CustomerErrorCode.CUSTOMER_ALREADY_MANAGED_BY, 'The customer already has this account manager');
      }
      await guardedUpdate(em, Customer, { id }, fp.customer.version, { accountManagerId: dto.toAccountManagerId }, 'customer');
      await insertTransfer(em, {
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
      await this.announceChange(em, post, id, ['accountManagerId']);
    });
    await post.run();
    return this.view(auth, id, false);
  }

  async transfers(auth: AuthContext, id: string): Promise<TransferDto[]> {
    assertCanRead(auth, await this.footprint(this.dataSource.manager, id));
    return transfersOf(this.dataSource.manager, id);
  }

  /** Archiving hides a customer from default lists and freezes it; nothing is ever erased. */
  async setArchived(auth: AuthContext, id: string, dto: ArchiveCustomerDto | null): Promise<CustomerDto> {
    const archive = dto !== null;
    const post = new PostCommit();
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
      await this.announceChange(em, post, id, ['archived']);
    });
    await post.run();
    return this.view(auth, id, false);
  }

  /**
   * The `customer.updated` event of a change made in `em` (its transaction),
   * read after the change so it carries the new version; nothing when nothing
   * changed. The parts service calls it too (`contacts`, `sites`).
   */
  async announceChange(em: EntityManager, post: PostCommit, id: string, changed: string[]): Promise<void> {
    if (!changed.length) return;
    const customer = await findCustomer(em, id);
    if (customer) await this.outbox.emit(em, post, 'customer.updated', customerUpdatedEvent(customer, changed));
  }

  /**
   * The record as an event shows it to a subscriber who is no caller (the
   * TMF629 hub): contact mobiles always masked, nothing audited (nothing is
   * shown unmasked). Null when there is no such customer. `em`: the relay's transaction.
   */
  async eventView(em: EntityManager, id: string): Promise<CustomerDto | null> {
    const customer = await customerWithParts(em, id);
    if (!customer) return null;
    const { contacts = [], sites = [], serviceInstances = [] } = customer;
    return toCustomerDto({ ...customer, contacts, sites, serviceInstances }, true, this.regions);
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

function toOrderContext(customerId: string, row: OrderContextHead | undefined): OrderContext {
  if (!row) throw customerNotFound(customerId);
  return { id: customerId, ...row, sites: new Map(Object.entries(row.sites)), instances: new Map(Object.entries(row.instances)) };
}
