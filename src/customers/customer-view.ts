import { maskMobile } from '../common/masking';
import type { RegionsService } from '../regions/regions.service';
import type { Contact } from './contact.entity';
import type { Customer } from './customer.entity';
import type { ContactDto } from './dto/contact.dto';
import type { CustomerDto, CustomerSummaryDto } from './dto/customer.dto';
import type { ServiceInstanceDto } from './dto/service-instance.dto';
import type { SiteDto } from './dto/site.dto';
import type { ServiceInstance } from './service-instance.entity';
import type { Site } from './site.entity';

/** Entity → API shapes; the only place that decides how a customer looks on the wire. */
export const toSummary = (c: Customer): CustomerSummaryDto => ({
  id: c.id,
  customerNo: c.customerNo,
  name: c.name,
  creditCode: c.creditCode,
  tier: c.tier,
  industry: c.industry,
  homeRegion: c.homeRegion,
  greenChannel: c.greenChannel,
  contract24x7: c.contract24x7,
  accountManagerId: c.accountManagerId,
  archivedAt: c.archivedAt,
  version: c.version,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
});

export const toContact = (c: Contact, masked: boolean): ContactDto => ({
  id: c.id,
  name: c.name,
  mobile: masked ? maskMobile(c.mobile) : c.mobile,
  role: c.role,
  notificationsOptOut: c.notificationsOptOut,
  version: c.version,
});

export const toSite = (s: Site, regions: RegionsService): SiteDto => ({
  id: s.id,
  name: s.name,
  region: s.region,
  regionName: regions.find(s.region)?.fullName ?? s.region,
  address: s.address,
  version: s.version,
});

export const toServiceInstance = (s: ServiceInstance): ServiceInstanceDto => ({
  id: s.id,
  productCode: s.productCode,
  siteId: s.siteId,
  accessNo: s.accessNo,
  state: s.state,
  attributes: s.attributes ?? {},
  terminatedAt: s.terminatedAt ?? null,
  version: s.version,
});

export function toCustomerDto(
  c: Customer & { contacts: Contact[]; sites: Site[]; serviceInstances: ServiceInstance[] },
  masked: boolean,
  regions: RegionsService,
): CustomerDto {
  return {
    ...toSummary(c),
    homeRegionName: regions.find(c.homeRegion)?.fullName ?? c.homeRegion,
    archiveReason: c.archiveReason,
    contactsMasked: masked,
    contacts: c.contacts.map((x) => toContact(x, masked)),
    sites: c.sites.map((s) => toSite(s, regions)),
    serviceInstances: c.serviceInstances.map(toServiceInstance),
  };
}
