import { maskCreditCode, maskIdentifiers, maskMobile, redactPii } from './masking';

describe('maskMobile', () => {
  it('keeps the first three and last four digits of a mainland mobile', () => {
    expect(maskMobile('13812345678')).toBe('138****5678');
  });

  it('masks anything else entirely, keeping only its length', () => {
    expect(maskMobile('12345')).toBe('*****');
    expect(maskMobile('0757-12345678')).toBe('*************');
    expect(maskMobile('')).toBe('');
  });
});

describe('redactPii', () => {
  it('masks mobile and phone fields at any depth, in arrays too', () => {
    const input = {
      name: '佛山市南海区人民政府',
      mobile: '13812345678',
      contacts: [
        { name: '李娜', mobile: '13912345678', role: 'primary' },
        { name: '王强', officePhone: '13700001111' },
      ],
      nested: { deeper: { contactMobile: '13600002222' } },
    };
    expect(redactPii(input)).toEqual({
      name: '佛山市南海区人民政府',
      mobile: '138****5678',
      contacts: [
        { name: '李娜', mobile: '139****5678', role: 'primary' },
        { name: '王强', officePhone: '137****1111' },
      ],
      nested: { deeper: { contactMobile: '136****2222' } },
    });
  });

  it('masks every value under a mobile key (before/after change sets, lists)', () => {
    expect(redactPii({ mobile: { from: '13812345678', to: '13987654321' } })).toEqual({
      mobile: { from: '138****5678', to: '139****4321' },
    });
    expect(redactPii({ mobiles: ['13812345678', '13987654321'] })).toEqual({ mobiles: ['138****5678', '139****4321'] });
  });

  it('never lets a password, secret or token through', () => {
    const out = redactPii({
      username: 'li.na',
      password: 'hunter2-hunter2',
      passwordHash: '$argon2id$v=19$...',
      webhook: { url: 'https://example.test/hook', secret: 's3cr3t' },
      accessToken: 'eyJhbGciOi.x.y',
      tokens: ['a', 'b'],
    }) as Record<string, unknown>;
    const text = JSON.stringify(out);
    for (const leaked of ['hunter2', 'argon2id', 's3cr3t', 'eyJhbGciOi', '"a"', '"b"']) expect(text).not.toContain(leaked);
    expect(out).toMatchObject({ username: 'li.na', webhook: { url: 'https://example.test/hook' } });
    for (const k of ['password', 'passwordHash', 'accessToken', 'tokens']) expect(out[k] ?? '[redacted]').toBe('[redacted]');
  });

  it('leaves other values, dates and the input itself unchanged', () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const input = { tier: 'key', greenChannel: true, count: 3, at, none: null, mobile: '13812345678' };
    const out = redactPii(input) as Record<string, unknown>;
    expect(out).toEqual({ tier: 'key', greenChannel: true, count: 3, at, none: null, mobile: '138****5678' });
    expect(input.mobile).toBe('13812345678');
  });
});

describe('maskCreditCode', () => {
  it('keeps the first and last four characters of an 18-character code', () => {
    expect(maskCreditCode('91440605MA4W2RXL16')).toBe('9144**********XL16');
    expect(maskCreditCode('914406')).toBe('******');
  });
});

describe('maskIdentifiers', () => {
  it('masks every mobile and credit code standing in free text, in either case', () => {
    expect(maskIdentifiers('/customers?q=13812345678&limit=5')).toBe('/customers?q=138****5678&limit=5');
    expect(maskIdentifiers('q=8613812345678')).toBe('q=86138****5678');
    expect(maskIdentifiers('q=91440605MA4W2RXL16')).toBe('q=9144**********XL16');
    expect(maskIdentifiers('q=91440605ma4w2rxl16')).toBe('q=9144**********xl16');
    expect(maskIdentifiers('13812345678,91440605MA4W2RXL16')).toBe('138****5678,9144**********XL16');
  });

  it('masks a mobile however the search box accepts it: spaced, dashed, +86, 0086, full width', () => {
    expect(maskIdentifiers('q=+86 133 5979 0284')).toBe('q=+86 133 **** 0284');
    expect(maskIdentifiers('q=133-5979-0284')).toBe('q=133-****-0284');
    expect(maskIdentifiers('q=0086 13359790284')).toBe('q=0086 133****0284');
    expect(maskIdentifiers('q=１３３５９７９０２８４')).toBe('q=133****0284');
    expect(maskIdentifiers('q=９１４４０６０５ｍａ４ｗ２ｒｘｌ１６')).toBe('q=9144**********xl16');
    // A longer run of digits is no mobile.
    expect(maskIdentifiers('q=1335979028412')).toBe('q=1335979028412');
  });

  it('leaves numbers that are not mobiles, ids and names alone', () => {
    for (const text of [
      'q=1381234567',
      'q=138123456789',
      '/faults/0b7f2c1e-8d7a-4c55-9e0f-2d9c4b1a7e66',
      'q=KA00000001',
      'q=南海',
      'q=12345678901',
    ]) {
      expect(maskIdentifiers(text)).toBe(text);
    }
  });
});
