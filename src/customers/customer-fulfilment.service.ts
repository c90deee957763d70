import type { StaffRefDto } from '../staff/dto/staff-ref.dto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../common/audit/audit.service';
import type { AuthContext } from '../common/auth/auth-context';
import { guardedUpdate } from '../common/guarded-update';
import type { RowChanges } from '../common/guarded-update';
import { maskMobile } from '../common/masking';
import type { OrderAction } from '../products/products.port';
import { RegionsService } from '../regions/regions.service';
import type { ContactRole } from './customer-record.port';
import { footprintRegions, maySeeMobiles } from './customer-access.port';
import { accessNosInUse, fieldContactsOf, insertFulfilledInstance, lockInstancesOf, sitesByIds } from './customer-fulfilment.repository';
import { CustomerError, CustomerErrorCode } from './customers.errors';
import { CustomersService } from './customers.service';
import { ServiceInstance } from './service-instance.entity';

/** A site as the field team needs it: where to go. */
export interface FieldSite {
  id: string;
  name: string;
  address: string;
  region: string;
  regionName: string;
}

/** Whom the field team calls at the customer; the mobile masked unless the reader may see it. */
export interface FieldContact {
  name: string;
  mobile: string;
  role: ContactRole;
  masked: boolean;
}

/** One completed order line, as the customer's service inventory takes it. */
export interface FulfilledLine {
  itemId: string;
  lineNo: number;
  action: OrderAction;
  productCode: string;
  siteId: string;
  serviceInstanceId: string | null;
  attributes: Record<string, unknown>;
  /** For an add: the access number the field team gave at completion, if any. */
  accessNo?: string;
  /** How the caller names this line in its input, for errors (`lines[0]`); defaults to `items[lineNo]`. */
  field?: string;
}

/** Which contact a field team gets: the one who lets them in first. */
const FIELD_CONTACT_ROLES: readonly ContactRole[] = ['technical', 'primary', 'executive', 'other', 'billing'];

/**
 * The customers module's port for order fulfilment (docs/ARCHITECTURE.md,
 * "Order and work order lifecycle"): what a work order shows of the
 * customer's sites and contact, and the service inventory a completed work
 * order changes, in the caller's transaction.
 */
@Injectable()
export class CustomerFulfilmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly customers: CustomersService,
    private readonly regions: RegionsService,
    private readonly audit: AuditService,
  ) {}

  /** The named sites, by id. */
  async sites(siteIds: string[]): Promise<Map<string, FieldSite>> {
    const found = await sitesByIds(this.dataSource.manager, [...new Set(siteIds)]);
    return new Map(
      found.map((s) => [
        s.id,
        { id: s.id, name: s.name, address: s.address, region: s.region, regionName: this.regions.find(s.region)?.fullName ?? s.region },
      ]),
    );
  }

  /**
   * Each customer's contact for site work, masked by the usual rule (in full
   * for admins, directors and the customer's account manager; always masked
   * when `auth` is null: a payload leaving the system). Every customer whose
   * contact is shown in full leaves an audit row, as GET /customers/:id does.
   */
  async contacts(auth: AuthContext | null, customerIds: string[]): Promise<Map<string, FieldContact | null>> {
    const found = await fieldContactsOf(this.dataSource.manager, [...new Set(customerIds)], FIELD_CONTACT_ROLES);
    const out = new Map<string, FieldContact | null>();
    for (const row of found) {
      if (!row.contact) {
        out.set(row.customerId, null);
        continue;
      }
      const masked = !auth || !maySeeMobiles(auth, row);
      if (auth && !masked) {
        await this.customers.auditUnmaskedRead(auth, { id: row.customerId, homeRegion: row.homeRegion, siteRegions: row.siteRegions }, 1);
      }
      const { name, mobile, role } = row.contact;
      out.set(row.customerId, { name, role, mobile: masked ? maskMobile(mobile) : mobile, masked });
    }
    return out;
  }

  /** Each customer's account manager by name and work phone: who a field team calls about the customer. */
  accountManagers(customerIds: string[]): Promise<Map<string, StaffRefDto | null>> {
    return this.customers.accountManagerRefs(customerIds);
  }

  /**
   * A completed work order's lines, applied to the customer's service
   * inventory in the caller's transaction: `add` creates an active instance
   * (product, site, attributes, the access number when given), `modify`
   * merges the line's attributes into the instance's, `terminate` sets it
   * terminated (kept, never deleted). An instance no longer live, or an
   * access number already in use, refuses the whole completion (409): the
   * caller's transaction then writes nothing. Each change is audited.
   * Returns the instance of each line (new for an add).
   */
  async applyFulfilment(
    em: EntityManager,
    actor: AuthContext,
    customerId: string,
    workOrder: { id: string; caseNo: string },
    lines: FulfilledLine[],
  ): Promise<Map<string, string>> {
    const fieldOf = (l: FulfilledLine) => l.field ?? `items[${l.lineNo}]`;
    const given = lines.flatMap((l) => (l.accessNo ? [l.accessNo] : []));
    const repeated = given.find((a, i) => given.indexOf(a) !== i);
    const taken = repeated ? [repeated] : await accessNosInUse(em, given);
    if (taken.length) {
      const line = lines.find((l) => l.accessNo === taken[0])!;
      throw new CustomerError(CustomerErrorCode.SERVICE_INSTANCE_ACCESS_NO_TAKEN, `Access number ${taken[0]} is already in use`, {
        extensions: { field: `${fieldOf(line)}.accessNo` },
      });
    }
    const existing = new Map(
      (
        await lockInstancesOf(
          em,
          customerId,
          lines.flatMap((l) => (l.serviceInstanceId ? [l.serviceInstanceId] : [])),
        )
      ).map((s) => [s.id, s]),
    );
    const fp = await this.customers.footprint(em, customerId);
    const result = new Map<string, string>();
    const now = new Date();
    for (const line of [...lines].sort((a, b) => a.lineNo - b.lineNo)) {
      const source = { workOrderId: workOrder.id, workOrderCaseNo: workOrder.caseNo, lineNo: line.lineNo };
      if (line.action === 'add') {
        const created = await insertFulfilledInstance(em, {
          customerId,
          productCode: line.productCode,
          siteId: line.siteId,
          accessNo: line.accessNo ?? null,
          attributes: line.attributes,
          orderItemId: line.itemId,
        });
        result.set(line.itemId, created.id);
        await this.audit.record(em, actor, {
          action: 'service_instance.created',
          entity: 'service_instance',
          entityId: created.id,
          changes: {
            customerId,
            ...source,
            productCode: line.productCode,
            siteId: line.siteId,
            accessNo: created.accessNo,
            attributes: line.attributes,
            state: 'active',
          },
          regions: footprintRegions(fp),
          customerId,
        });
        continue;
      }
      const instance = line.serviceInstanceId ? existing.get(line.serviceInstanceId) : undefined;
      if (!instance || instance.state === 'terminated') {
        throw new CustomerError(
          CustomerErrorCode.SERVICE_INSTANCE_NOT_LIVE,
          `Line ${line.lineNo}: service instance ${line.serviceInstanceId} is no longer live; it cannot be ${line.action === 'modify' ? 'modified' : 'terminated'}`,
          { extensions: { field: `${fieldOf(line)}.serviceInstanceId` } },
        );
      }
      const changes: RowChanges<ServiceInstance> =
        line.action === 'modify'
          ? { attributes: { ...instance.attributes, ...line.attributes } }
          : { state: 'terminated', terminatedAt: now };
      await guardedUpdate(
        em,
        ServiceInstance,
        { id: instance.id, customerId },
        instance.version,
        { ...changes, orderItemId: line.itemId },
        'service instance',
      );
      result.set(line.itemId, instance.id);
      await this.audit.record(em, actor, {
        action: 'service_instance.updated',
        entity: 'service_instance',
        entityId: instance.id,
        changes: {
          customerId,
          ...source,
          ...(line.action === 'modify'
            ? { attributes: { from: instance.attributes, to: changes.attributes } }
            : { state: { from: instance.state, to: 'terminated' } }),
        },
        regions: footprintRegions(fp),
        customerId,
      });
    }
    return result;
  }
}
