import type { EntityManager } from 'typeorm';
import { Contact } from './contact.entity';
import { ServiceInstance } from './service-instance.entity';
import { Site } from './site.entity';
import type { ContactInput } from './dto/contact.dto';
import type { CreateServiceInstanceDto } from './dto/service-instance.dto';
import type { SiteInput } from './dto/site.dto';

// Contacts, sites and service instances of one customer: each list oldest first,
// each new part at version 1, each part found only under its own customer.

export function contactsOf(em: EntityManager, customerId: string): Promise<Contact[]> {
  return em.find(Contact, { where: { customerId }, order: { createdAt: 'ASC' } });
}

export function sitesOf(em: EntityManager, customerId: string): Promise<Site[]> {
  return em.find(Site, { where: { customerId }, order: { createdAt: 'ASC' } });
}

export function serviceInstancesOf(em: EntityManager, customerId: string): Promise<ServiceInstance[]> {
  return em.find(ServiceInstance, { where: { customerId }, order: { createdAt: 'ASC' } });
}

export function insertContact(em: EntityManager, customerId: string, c: ContactInput): Promise<Contact> {
  return em.save(em.create(Contact, { ...c, notificationsOptOut: c.notificationsOptOut ?? false, customerId, version: 1 }));
}

export function insertSite(em: EntityManager, customerId: string, s: SiteInput): Promise<Site> {
  return em.save(em.create(Site, { ...s, customerId, version: 1 }));
}

export function insertServiceInstance(em: EntityManager, customerId: string, s: CreateServiceInstanceDto): Promise<ServiceInstance> {
  return em.save(em.create(ServiceInstance, { ...s, customerId, version: 1 }));
}

export function contactOf(em: EntityManager, customerId: string, id: string): Promise<Contact | null> {
  return em.findOne(Contact, { where: { id, customerId } });
}

export function siteOf(em: EntityManager, customerId: string, id: string): Promise<Site | null> {
  return em.findOne(Site, { where: { id, customerId } });
}

export function serviceInstanceOf(em: EntityManager, customerId: string, id: string): Promise<ServiceInstance | null> {
  return em.findOne(ServiceInstance, { where: { id, customerId } });
}

export function isSiteOf(em: EntityManager, customerId: string, siteId: string): Promise<boolean> {
  return em.exists(Site, { where: { id: siteId, customerId } });
}

/** Whether any service instance, of any customer, has this access number. */
export function accessNoInUse(em: EntityManager, accessNo: string): Promise<boolean> {
  return em.exists(ServiceInstance, { where: { accessNo } });
}
