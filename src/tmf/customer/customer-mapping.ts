import { CONTACT_ROLES, TIERS } from '../../customers/customer-record.port';
import type { CustomerDto } from '../../customers/dto/customer.dto';
import type { StaffRefDto } from '../../staff/dto/staff-ref.dto';
import { tmfDate, tmfHref } from '../common/tmf-api';
import type { TmfApi } from '../common/tmf-api';
import { apiPath } from '../../common/http/api-path';

/*
 * TMF629 Customer ↔ the Focus One customer record (README, "How an OSS
 * connects", the TMF629 table). The record's own fields travel as
 * `characteristic[]`; the organisation is the `engagedParty` (its id is the
 * unified social credit code); contacts are `contactMedium` mobiles (masked by
 * the record's rule) and sites its postal addresses; the account manager is
 * the `relatedParty` with role `accountManager`; the billing account is
 * `account[0]`. Nothing here decides anything: the rules are CustomersService's.
 */

export const TMF629: TmfApi = { name: 'customerManagement', version: 'v4', title: 'TMF629 Customer Management' };
export const CUSTOMER = 'customer';

/** `status`: a record is `active`, or `archived` (kept for ever, frozen). */
export const CUSTOMER_STATUSES = ['active', 'archived'] as const;

/** Characteristics a client sets (create) or changes (PATCH), by their Focus One field. */
export const WRITABLE_CHARACTERISTICS = ['creditCode', 'tier', 'industry', 'homeRegion', 'greenChannel', 'contract24x7'] as const;
/** Characteristics PATCH may change (the credit code identifies the organisation: never). */
export const PATCHABLE_CHARACTERISTICS = ['tier', 'industry', 'homeRegion', 'greenChannel', 'contract24x7'] as const;
/** Characteristics the server owns: shown, ignored when sent. */
export const READ_ONLY_CHARACTERISTICS = ['customerNo', 'homeRegionName', 'version'] as const;

export const BOOLEAN_CHARACTERISTICS: readonly string[] = ['greenChannel', 'contract24x7'];

export interface TmfCharacteristic {
  name: string;
  value: string | boolean | number;
  valueType: 'string' | 'boolean' | 'integer';
}

export interface TmfCustomer {
  id: string;
  href: string;
  '@type': 'Customer';
  name: string;
  status: (typeof CUSTOMER_STATUSES)[number];
  statusReason?: string;
  validFor: { startDateTime: string };
  engagedParty: { id: string; name: string; '@referredType': 'Organization' };
  contactMedium: Record<string, unknown>[];
  characteristic: TmfCharacteristic[];
  account: Record<string, unknown>[];
  relatedParty: Record<string, unknown>[];
}

const text = (name: string, value: string): TmfCharacteristic => ({ name, value, valueType: 'string' });
const flag = (name: string, value: boolean): TmfCharacteristic => ({ name, value, valueType: 'boolean' });

/** The TMF629 view of a record as CustomersService answered it (mobiles already masked or not by its rule). */
export function toTmfCustomer(c: CustomerDto, base: string, accountManager: StaffRefDto | null): TmfCustomer {
  return {
    id: c.id,
    href: tmfHref(base, TMF629, CUSTOMER, c.id),
    '@type': 'Customer',
    name: c.name,
    status: c.archivedAt ? 'archived' : 'active',
    ...(c.archivedAt && c.archiveReason ? { statusReason: c.archiveReason } : {}),
    validFor: { startDateTime: tmfDate(c.createdAt)! },
    engagedParty: { id: c.creditCode, name: c.name, '@referredType': 'Organization' },
    contactMedium: [
      ...c.contacts.map((x) => ({
        id: x.id,
        mediumType: 'mobile',
        preferred: x.role === 'primary',
        characteristic: { contactType: x.role, contactName: x.name, phoneNumber: x.mobile },
      })),
      ...c.sites.map((s) => ({
        id: s.id,
        mediumType: 'postalAddress',
        preferred: false,
        characteristic: {
          contactType: 'site',
          siteName: s.name,
          street1: s.address,
          stateOrProvince: s.regionName,
          region: s.region,
          country: 'CN',
        },
      })),
    ],
    characteristic: [
      text('customerNo', c.customerNo),
      text('creditCode', c.creditCode),
      text('tier', c.tier),
      text('industry', c.industry),
      text('homeRegion', c.homeRegion),
      text('homeRegionName', c.homeRegionName),
      flag('greenChannel', c.greenChannel),
      flag('contract24x7', c.contract24x7),
      { name: 'version', value: c.version, valueType: 'integer' },
    ],
    account: [
      {
        id: c.id,
        name: `${c.customerNo} billing account`,
        '@referredType': 'BillingAccount',
        href: `${base}${apiPath('customers', c.id, 'account')}`,
      },
    ],
    relatedParty: accountManager
      ? [{ id: accountManager.id, name: accountManager.displayName, role: 'accountManager', '@referredType': 'Individual' }]
      : [],
  };
}

/** `true`/`false` as JSON or as text (TMF characteristic values are often strings); anything else unchanged (the DTO check names it). */
export function characteristicValue(name: string, value: unknown): unknown {
  if (BOOLEAN_CHARACTERISTICS.includes(name) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * Where a CreateCustomerDto field came from in the TMF body, for the 400s:
 * `creditCode` → `characteristic.creditCode` (or `engagedParty.id` when it
 * was taken from there), `contacts[1].mobile` → the contactMedium element's
 * `characteristic.phoneNumber`.
 */
export function tmfFieldOf(field: string, ctx: { creditCodeFrom: string; contactIndex: number[] }): string {
  if (field === 'creditCode') return ctx.creditCodeFrom;
  if ((WRITABLE_CHARACTERISTICS as readonly string[]).includes(field)) return `characteristic.${field}`;
  if (field === 'accountManagerId') return 'relatedParty.id';
  const m = /^contacts\[(\d+)\](?:\.(\w+))?$/.exec(field);
  if (m) {
    const at = `contactMedium[${ctx.contactIndex[Number(m[1])] ?? m[1]}]`;
    const part = { name: 'contactName', mobile: 'phoneNumber', role: 'contactType' }[m[2] ?? ''];
    return part ? `${at}.characteristic.${part}` : at;
  }
  return field;
}

export const contactRoles: readonly string[] = CONTACT_ROLES;
export const tiers: readonly string[] = TIERS;
