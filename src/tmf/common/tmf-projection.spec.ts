import { project } from './tmf-projection';

describe('project (fields=)', () => {
  const customer = {
    id: 'c1',
    href: 'http://x/c1',
    '@type': 'Customer',
    name: 'Moon FC',
    engagedParty: { id: 'o1', name: 'Moon', '@referredType': 'Organization' },
    contactMedium: [
      { mediumType: 'mobile', characteristic: { phoneNumber: '138****5678' } },
      { mediumType: 'email', characteristic: { emailAddress: 'a@b.cn' } },
    ],
  };

  it('keeps exactly the listed attributes and adds nothing (no id, href or @type unless listed)', () => {
    expect(project(customer, ['name'])).toEqual({ name: 'Moon FC' });
    expect(project(customer, ['href'])).toEqual({ href: 'http://x/c1' });
    expect(project(customer, ['id', '@type'])).toEqual({ id: 'c1', '@type': 'Customer' });
  });

  it('leaves out what the resource does not have', () => {
    expect(project(customer, ['status', 'name'])).toEqual({ name: 'Moon FC' });
  });

  it('keeps nested attributes of objects and of each array element', () => {
    expect(project(customer, ['engagedParty.id'])).toEqual({ engagedParty: { id: 'o1' } });
    expect(project(customer, ['contactMedium.mediumType'])).toEqual({ contactMedium: [{ mediumType: 'mobile' }, { mediumType: 'email' }] });
    expect(project(customer, ['engagedParty.id', 'engagedParty.name'])).toEqual({ engagedParty: { id: 'o1', name: 'Moon' } });
  });

  it('does not copy inherited properties', () => {
    expect(project(customer, ['constructor', 'toString'])).toEqual({});
  });
});
