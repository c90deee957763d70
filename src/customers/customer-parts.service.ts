import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService, changedFields } from '../common/audit/audit.service';
import { AuthContext } from '../common/auth/auth-context';
import { invalidFields } from '../common/errors/common-errors';
import { guardedUpdate } from '../common/guarded-update';
import { ProductsService } from '../products/products.service';
import { RegionsService } from '../regions/regions.service';
import { assertCanManage, assertCanRead, footprintRegions, maySeeMobiles } from './customer-access.port';
import { toContact, toServiceInstance, toSite } from './customer-view';
import { CustomerError, CustomerErrorCode } from './customers.errors';
import { CustomersService } from './customers.service';
import { ContactDto, ContactInput, UpdateContactDto } from './dto/contact.dto';
import { CreateServiceInstanceDto, ServiceInstanceDto, UpdateServiceInstanceDto } from './dto/service-instance.dto';
import { SiteDto, SiteInput, UpdateSiteDto } from './dto/site.dto';
import { recordOutcome } from '../common/idempotency/idempotent-outcome';
import { PostCommit } from '../common/post-commit';
import { Contact } from './contact.entity';
import { ServiceInstance } from './service-instance.entity';
import { Site } from './site.entity';
import {
  accessNoInUse,
  contactOf,
  contactsOf,
  insertContact,
  insertServiceInstance,
  insertSite,
  isSiteOf,
  serviceInstanceOf,
  serviceInstancesOf,
  siteOf,
  sitesOf,
} from './customer-parts.repository';

type PartKind = 'contact' | 'site' | 'service_instance';
const NOT_FOUND: Record<PartKind, CustomerErrorCode> = {
  contact: CustomerErrorCode.CONTACT_NOT_FOUND,
  site: CustomerErrorCode.SITE_NOT_FOUND,
  service_instance: CustomerErrorCode.SERVICE_INSTANCE_NOT_FOUND,
};

/** Contacts, sites and service instances: parts of one customer record, changed under its access rules. */
@Injectable()
export class CustomerPartsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly regions: RegionsService,
    private readonly products: ProductsService,
    private readonly audit: AuditService,
  ) {}

  // ---- contacts ----

  async listContacts(auth: AuthContext, customerId: string): Promise<ContactDto[]> {
    const fp = await this.customers.footprint(this.dataSource.manager, customerId);
    assertCanRead(auth, fp);
    const rows = await contactsOf(this.dataSource.manager, customerId);
    const masked = !maySeeMobiles(auth, fp);
    if (!masked && rows.length) await this.customers.auditUnmaskedRead(auth, fp, rows.length);
    return rows.map((c) => toContact(c, masked));
  }

  addContact(auth: AuthContext, customerId: string, dto: ContactInput): Promise<ContactDto> {
    return this.change(auth, customerId, 'contact.created', async (em) => {
      const saved = await insertContact(em, customerId, dto);
      return { id: saved.id, changes: { ...dto }, view: toContact(saved, false) };
    });
  }

  updateContact(auth: AuthContext, customerId: string, id: string, dto: UpdateContactDto): Promise<ContactDto> {
    const { expectedVersion, ...changes } = dto;
    return this.change(auth, customerId, 'contact.updated', async (em) => {
      const before = await this.part('contact', id, customerId, contactOf(em, customerId, id));
      const after = await guardedUpdate(em, Contact, { id, customerId }, expectedVersion, changes, 'contact');
      return { id, changes: changedFields(before, changes), view: toContact(after, false) };
    });
  }

  // ---- sites ----

  async listSites(auth: AuthContext, customerId: string): Promise<SiteDto[]> {
    assertCanRead(auth, await this.customers.footprint(this.dataSource.manager, customerId));
    const rows = await sitesOf(this.dataSource.manager, customerId);
    return rows.map((s) => toSite(s, this.regions));
  }

  addSite(auth: AuthContext, customerId: string, dto: SiteInput): Promise<SiteDto> {
    this.regions.assertKnown('region', dto.region);
    return this.change(auth, customerId, 'site.created', async (em) => {
      const saved = await insertSite(em, customerId, dto);
      return { id: saved.id, changes: { ...dto }, view: toSite(saved, this.regions), regions: [dto.region] };
    });
  }

  updateSite(auth: AuthContext, customerId: string, id: string, dto: UpdateSiteDto): Promise<SiteDto> {
    const { expectedVersion, ...changes } = dto;
    if (changes.region) this.regions.assertKnown('region', changes.region);
    return this.change(auth, customerId, 'site.updated', async (em) => {
      const before = await this.part('site', id, customerId, siteOf(em, customerId, id));
      const after = await guardedUpdate(em, Site, { id, customerId }, expectedVersion, changes, 'site');
      return {
        id,
        changes: changedFields(before, changes),
        view: toSite(after, this.regions),
        regions: changes.region ? [changes.region] : [],
      };
    });
  }

  // ---- service instances ----

  async listServiceInstances(auth: AuthContext, customerId: string): Promise<ServiceInstanceDto[]> {
    assertCanRead(auth, await this.customers.footprint(this.dataSource.manager, customerId));
    const rows = await serviceInstancesOf(this.dataSource.manager, customerId);
    return rows.map(toServiceInstance);
  }

  async addServiceInstance(auth: AuthContext, customerId: string, dto: CreateServiceInstanceDto): Promise<ServiceInstanceDto> {
    const product = await this.products.find(dto.productCode);
    if (!product?.active) throw invalidFields({ field: 'productCode', message: 'is not an active product in the catalogue' });
    return this.change(
      auth,
      customerId,
      'service_instance.created',
      async (em) => {
        await this.assertSiteOf(em, customerId, dto.siteId);
        await this.assertAccessNoFree(em, dto.accessNo);
        const saved = await insertServiceInstance(em, customerId, dto);
        return { id: saved.id, changes: { ...dto }, view: toServiceInstance(saved) };
      },
      ['fulfilment'],
    );
  }

  updateServiceInstance(auth: AuthContext, customerId: string, id: string, dto: UpdateServiceInstanceDto): Promise<ServiceInstanceDto> {
    const { expectedVersion, ...changes } = dto;
    return this.change(
      auth,
      customerId,
      'service_instance.updated',
      async (em) => {
        const before = await this.part('service_instance', id, customerId, serviceInstanceOf(em, customerId, id));
        if (changes.siteId) await this.assertSiteOf(em, customerId, changes.siteId);
        if (changes.accessNo && changes.accessNo !== before.accessNo) await this.assertAccessNoFree(em, changes.accessNo);
        const after = await guardedUpdate(em, ServiceInstance, { id, customerId }, expectedVersion, changes, 'service instance');
        return { id, changes: changedFields(before, changes), view: toServiceInstance(after) };
      },
      ['fulfilment'],
    );
  }

  // ---- shared ----

  /**
   * One change to a part: the customer row is locked (so two editors of one
   * record serialise), access checked, the change and its audit row committed together.
   */
  private async change<V>(
    auth: AuthContext,
    customerId: string,
    action: `${PartKind}.${'created' | 'updated'}`,
    /** `regions`: any the change brings to the customer (a site's new region) beside those it has. */
    work: (em: EntityManager) => Promise<{ id: string; changes: Record<string, unknown>; view: V; regions?: string[] }>,
    extraRoles: 'fulfilment'[] = [],
  ): Promise<V> {
    const post = new PostCommit();
    const result = await this.dataSource.transaction(async (em) => {
      const fp = await this.customers.footprint(em, customerId, true);
      assertCanManage(auth, fp, extraRoles);
      this.customers.assertNotArchived(fp.customer);
      const { id, changes, view, regions = [] } = await work(em);
      const kind = action.split('.')[0] as PartKind;
      await this.audit.record(em, auth, {
        action,
        entity: kind,
        entityId: id,
        changes: { customerId, ...changes },
        regions: [...footprintRegions(fp), ...regions],
      });
      // Contacts and sites are part of what the record shows (TMF629's contactMedium): the record changed.
      if (kind !== 'service_instance' && Object.keys(changes).length) {
        await this.customers.announceChange(em, post, customerId, [kind === 'contact' ? 'contacts' : 'sites']);
      }
      // A part has no URL of its own to read back: the answer itself commits with it.
      await recordOutcome(em, { body: view });
      return view;
    });
    await post.run();
    return result;
  }

  /** The part as `found` reads it, or the kind's not-found error. */
  private async part<T>(kind: PartKind, id: string, customerId: string, found: Promise<T | null>): Promise<T> {
    const row = await found;
    if (!row) throw new CustomerError(NOT_FOUND[kind], `No ${kind.replace('_', ' ')} ${id} for customer ${customerId}`);
    return row;
  }

  private async assertSiteOf(em: EntityManager, customerId: string, siteId: string): Promise<void> {
    if (!(await isSiteOf(em, customerId, siteId))) {
      throw invalidFields({ field: 'siteId', message: 'is not a site of this customer' });
    }
  }

  private async assertAccessNoFree(em: EntityManager, accessNo: string): Promise<void> {
    if (await accessNoInUse(em, accessNo)) {
      throw new CustomerError(CustomerErrorCode.SERVICE_INSTANCE_ACCESS_NO_TAKEN, `Access number ${accessNo} is already in use`);
    }
  }
}
