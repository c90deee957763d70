import { lookupTerm } from './lookup-term';

describe('lookupTerm', () => {
  it('reads a mobile however it is typed', () => {
    for (const q of [
      '13359790284',
      '+86 133 5979 0284',
      '133-5979-0284',
      '8613359790284',
      '0086 133 5979 0284',
      '１３３５９７９０２８４',
      '＋８６１３３５９７９０２８４',
      ' 133.5979.0284 ',
      '(133) 5979 0284',
    ]) {
      expect({ q, term: lookupTerm(q) }).toEqual({ q, term: { by: 'mobile', value: '13359790284' } });
    }
  });

  it('leaves other digits alone', () => {
    expect(lookupTerm('+1 415 555 0100').by).toBe('text');
    expect(lookupTerm('1335979028').by).toBe('text'); // 10 digits
    expect(lookupTerm('12359790284').by).toBe('text'); // no mainland mobile prefix
  });

  it('reads case, work order and bill numbers in any case or width, dashes optional', () => {
    expect(lookupTerm('flt-20261130-000001')).toEqual({ by: 'reference', value: 'FLT-20261130-000001' });
    expect(lookupTerm('ＦＬＴ２０２６１１３０００００01')).toEqual({ by: 'reference', value: 'FLT-20261130-000001' });
    expect(lookupTerm('wo 20261130 000101')).toEqual({ by: 'reference', value: 'WO-20261130-000101' });
    expect(lookupTerm('bl-202610-ka00000001')).toEqual({ by: 'reference', value: 'BL-202610-KA00000001' });
  });

  it('upper-cases customer numbers and credit codes, full width too', () => {
    expect(lookupTerm('ｋａ００００００４２')).toEqual({ by: 'customer_no', value: 'KA00000042' });
    expect(lookupTerm('91440605ma4w2rxl16')).toEqual({ by: 'credit_code', value: '91440605MA4W2RXL16' });
  });

  it('keeps a name as typed (full-width brackets are part of names)', () => {
    expect(lookupTerm(' 中国移动（深圳） ')).toEqual({ by: 'text', value: '中国移动(深圳)', name: '中国移动（深圳）' });
    expect(lookupTerm('GZ-DIA-0001')).toEqual({ by: 'text', value: 'GZ-DIA-0001', name: 'GZ-DIA-0001' });
  });
});
