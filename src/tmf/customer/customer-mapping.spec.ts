import type { CustomerDto } from '../../customers/dto/customer.dto';
import { characteristicValue, tmfFieldOf, toTmfCustomer } from './customer-mapping';
import { customerEventTypes } from './tmf-customer-events';

const record = (over: Partial<CustomerDto> = {}): CustomerDto => ({
  id: '3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
  customerNo: 'KA00000042',
  name: '佛山市南海区人民政府',
  creditCode: '914403001922038216',
  tier: 'key',
  industry: 'government',
  homeRegion: '440605',
  greenChannel: true,
  contract24x7: false,
  accountManagerId: null,
  archivedAt: null,
  version: 3,
  createdAt: new Date('2026-11-30T08:00:00+08:00'),
  updatedAt: new Date('2026-11-30T09:00:00+08:00'),
  homeRegionName: '广东省佛山市南海区',
  archiveReason: null,
  contactsMasked: true,
  contacts: [{ id: 'c1', name: '李娜', mobile: '138****5678', role: 'primary', notificationsOptOut: false, version: 1 }],
  sites: [{ id: 's1', name: '南海数据中心', region: '440605', regionName: '广东省佛山市南海区', address: '桂城街道海八路1号', version: 1 }],
  serviceInstances: [],
  ...over,
});

describe('TMF629 mapping', () => {
  it('renders the record: organisation, characteristics, contacts and sites as contact media, account, account manager', () => {
    const c = toTmfCustomer(record(), 'https://fo.example.cn', { id: 'am1', displayName: '王芳', workPhone: null });
    expect(c).toMatchObject({
      id: '3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
      href: 'https://fo.example.cn/tmf-api/customerManagement/v4/customer/3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
      '@type': 'Customer',
      status: 'active',
      validFor: { startDateTime: '2026-11-30T00:00:00.000Z' },
      engagedParty: { id: '914403001922038216', name: '佛山市南海区人民政府', '@referredType': 'Organization' },
      relatedParty: [{ id: 'am1', name: '王芳', role: 'accountManager', '@referredType': 'Individual' }],
    });
    expect(c.characteristic).toEqual([
      { name: 'customerNo', value: 'KA00000042', valueType: 'string' },
      { name: 'creditCode', value: '914403001922038216', valueType: 'string' },
      { name: 'tier', value: 'key', valueType: 'string' },
      { name: 'industry', value: 'government', valueType: 'string' },
      { name: 'homeRegion', value: '440605', valueType: 'string' },
      { name: 'homeRegionName', value: '广东省佛山市南海区', valueType: 'string' },
      { name: 'greenChannel', value: true, valueType: 'boolean' },
      { name: 'contract24x7', value: false, valueType: 'boolean' },
      { name: 'version', value: 3, valueType: 'integer' },
    ]);
    expect(c.contactMedium).toEqual([
      {
        id: 'c1',
        mediumType: 'mobile',
        preferred: true,
        characteristic: { contactType: 'primary', contactName: '李娜', phoneNumber: '138****5678' },
      },
      {
        id: 's1',
        mediumType: 'postalAddress',
        preferred: false,
        characteristic: {
          contactType: 'site',
          siteName: '南海数据中心',
          street1: '桂城街道海八路1号',
          stateOrProvince: '广东省佛山市南海区',
          region: '440605',
          country: 'CN',
        },
      },
    ]);
    expect(c.account).toEqual([
      {
        id: '3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
        name: 'KA00000042 billing account',
        '@referredType': 'BillingAccount',
        href: 'https://fo.example.cn/api/v1/customers/3f6b2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66/account',
      },
    ]);
  });

  it('shows an archived record with its reason, and no account manager as none', () => {
    const c = toTmfCustomer(record({ archivedAt: new Date(), archiveReason: '合同终止' }), 'http://h', null);
    expect(c).toMatchObject({ status: 'archived', statusReason: '合同终止', relatedParty: [] });
  });

  it('reads boolean characteristics sent as text, and names DTO fields as the client sent them', () => {
    expect(characteristicValue('greenChannel', 'true')).toBe(true);
    expect(characteristicValue('greenChannel', 'yes')).toBe('yes');
    expect(characteristicValue('tier', 'true')).toBe('true');
    const ctx = { creditCodeFrom: 'engagedParty.id', contactIndex: [2] };
    expect(tmfFieldOf('creditCode', ctx)).toBe('engagedParty.id');
    expect(tmfFieldOf('homeRegion', ctx)).toBe('characteristic.homeRegion');
    expect(tmfFieldOf('accountManagerId', ctx)).toBe('relatedParty.id');
    expect(tmfFieldOf('contacts[0].mobile', ctx)).toBe('contactMedium[2].characteristic.phoneNumber');
    expect(tmfFieldOf('contacts[0].role', ctx)).toBe('contactMedium[2].characteristic.contactType');
    expect(tmfFieldOf('name', ctx)).toBe('name');
  });

  it('turns customer events into TMF event types', () => {
    expect(customerEventTypes({ type: 'customer.created', data: {} })).toEqual(['CustomerCreateEvent']);
    expect(customerEventTypes({ type: 'customer.updated', data: { changed: ['industry'] } })).toEqual([
      'CustomerAttributeValueChangeEvent',
    ]);
    expect(customerEventTypes({ type: 'customer.updated', data: { changed: ['archived'] } })).toEqual(['CustomerStateChangeEvent']);
    expect(customerEventTypes({ type: 'customer.updated', data: { changed: ['archived', 'name'] } })).toEqual([
      'CustomerAttributeValueChangeEvent',
      'CustomerStateChangeEvent',
    ]);
    expect(customerEventTypes({ type: 'fault.created', data: {} })).toEqual([]);
  });
});
