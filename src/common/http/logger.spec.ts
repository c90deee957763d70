import { loggableFields, loggableUrl } from './logger';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

describe('loggableUrl', () => {
  it('masks mobiles and credit codes in query values, also when percent-encoded', () => {
    expect(loggableUrl('/api/v1/customers?q=13812345678&limit=5')).toBe('/api/v1/customers?q=138****5678&limit=5');
    expect(loggableUrl('/api/v1/console/lookup?q=%31%33%38%31%32%33%34%35%36%37%38')).toBe('/api/v1/console/lookup?q=138****5678');
    expect(loggableUrl('/api/v1/customers?q=91440605MA4W2RXL16')).toBe('/api/v1/customers?q=9144**********XL16');
  });

  it('redacts a parameter named like a credential, and a JWT under any name or in the path', () => {
    expect(loggableUrl(`/queues?token=${JWT}`)).toBe('/queues?token=[redacted]');
    expect(loggableUrl(`/api/v1/staff?access_token=abc&x=1`)).toBe('/api/v1/staff?access_token=[redacted]&x=1');
    expect(loggableUrl(`/api/v1/staff?q=${JWT}`)).toBe('/api/v1/staff?q=[redacted]');
    expect(loggableUrl(`/api/v1/${JWT}`)).toBe('/api/v1/[redacted]');
  });

  it('leaves other URLs as they came, broken percent-encoding included', () => {
    for (const url of [
      '/api/v1/customers?q=%E5%8D%97%E6%B5%B7&tier=key',
      '/api/v1/faults/0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
      '/x?%zz=1&flag',
    ]) {
      expect(loggableUrl(url)).toBe(url);
    }
  });
});

describe('loggableFields', () => {
  it('masks query values and redacts credential headers, keeping the rest', () => {
    expect(loggableFields({ q: '13812345678', token: JWT, tags: ['13912345678'] })).toEqual({
      q: '138****5678',
      token: '[redacted]',
      tags: ['139****5678'],
    });
    expect(
      loggableFields(
        {
          authorization: 'Bearer x',
          'x-access-token': 'x',
          cookie: 'a=b',
          referer: `http://h/queues?token=${JWT}`,
          'user-agent': 'curl/8',
        },
        ['referer'],
      ),
    ).toEqual({
      authorization: '[redacted]',
      'x-access-token': '[redacted]',
      cookie: '[redacted]',
      referer: 'http://h/queues?token=[redacted]',
      'user-agent': 'curl/8',
    });
  });
});
