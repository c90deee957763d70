import { CommonError, CommonErrorCode, invalidFields } from './common-errors';
import { errorClass } from './domain-error';

describe('DomainError.nestedUnder', () => {
  it('names every field under the prefix, in a new error of the same class, code, kind, detail and extensions', () => {
    const original = invalidFields(
      { field: 'items[0].siteId', message: 'is not a site of this customer' },
      { field: 'acceptedRegion', message: 'x' },
    );
    const nested = original.nestedUnder('order');
    expect(nested).toBeInstanceOf(CommonError);
    expect(nested).not.toBe(original);
    expect(nested).toMatchObject({ code: CommonErrorCode.VALIDATION_FAILED, kind: 'bad_request', message: original.message });
    expect(nested.errors).toEqual([
      { field: 'order.items[0].siteId', message: 'is not a site of this customer' },
      { field: 'order.acceptedRegion', message: 'x' },
    ]);
    expect(nested.stack).toBe(original.stack);
    // the original is left as it was
    expect(original.errors!.map((e) => e.field)).toEqual(['items[0].siteId', 'acceptedRegion']);
  });

  it('keeps the module’s own class and extensions, and an error without fields stays without', () => {
    enum Code {
      THING_REFUSED = 'THING_REFUSED',
    }
    const ThingError = errorClass<Code>('ThingError', { THING_REFUSED: 'conflict' });
    const original = new ThingError(Code.THING_REFUSED, 'refused', { extensions: { state: 'closed' } });
    const nested = original.nestedUnder('order');
    expect(nested).toBeInstanceOf(ThingError);
    expect(nested.name).toBe('ThingError');
    expect(nested).toMatchObject({ code: 'THING_REFUSED', kind: 'conflict', extensions: { state: 'closed' } });
    expect(nested.errors).toBeUndefined();
  });
});
