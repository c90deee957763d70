import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsOptional, IsString, Max, Min, ValidateNested, validateSync } from 'class-validator';
import { MAX_FIELD_ERRORS, REQUIRED, firstUnknownField, flattenValidationErrors } from './validation-errors';

class Contact {
  @IsString() name: string;
}

class Customer {
  @IsString() name: string;
  @IsOptional() @Type(() => Number) @IsInt() version?: number;
  @ValidateNested({ each: true }) @Type(() => Contact) contacts: Contact[];
  @IsOptional() @ValidateNested() @Type(() => Contact) primary?: Contact;
  @IsOptional() attributes?: Record<string, unknown>;
}

describe('firstUnknownField', () => {
  it('finds nothing in a body that only has declared fields, free-form maps included', () => {
    expect(
      firstUnknownField(Customer, { name: 'x', version: 1, contacts: [{ name: 'a' }], attributes: { anything: { goes: 1 } } }),
    ).toBeUndefined();
    expect(firstUnknownField(Customer, 'not an object')).toBeUndefined();
  });

  it('names the first unknown field, shallowest first, by the path class-validator would give', () => {
    expect(firstUnknownField(Customer, { name: 'x', bogus: 1, other: 2 })).toEqual({ field: 'bogus', property: 'bogus' });
    expect(firstUnknownField(Customer, { contacts: [{ name: 'a' }, { name: 'b', nick: 'c' }] })).toEqual({
      field: 'contacts[1].nick',
      property: 'nick',
    });
    expect(firstUnknownField(Customer, { primary: { mobile: '1' }, contacts: [{ x: 1 }], late: 1 })).toEqual({
      field: 'late',
      property: 'late',
    });
  });

  it('agrees with class-validator on what is unknown', () => {
    const body = { name: 'x', contacts: [{ name: 'a', nick: 'b' }] };
    const fromValidator = flattenValidationErrors(
      validateSync(Object.assign(new Customer(), { ...body, contacts: [Object.assign(new Contact(), body.contacts[0])] }), {
        whitelist: true,
        forbidNonWhitelisted: true,
      }),
    ).errors.map((e) => e.field);
    expect(fromValidator).toEqual([firstUnknownField(Customer, body)!.field]);
  });

  it('stops at the first of many unknown keys without reading the values of the rest', () => {
    const body: Record<string, unknown> = { name: 'x' };
    let read = 0;
    for (let i = 0; i < 1000; i++) Object.defineProperty(body, `k${i}`, { enumerable: true, get: () => ++read });
    expect(firstUnknownField(Customer, body)).toEqual({ field: 'k0', property: 'k0' });
    expect(read).toBe(0);
  });
});

describe('flattenValidationErrors', () => {
  it('keeps the first MAX_FIELD_ERRORS messages in order and counts the rest', () => {
    const errors = [...Array(150)].map((_, i) => ({
      property: String(i),
      children: [{ property: 'name', constraints: { isString: 'name must be a string', minLength: 'name is too short' }, children: [] }],
    }));
    const flat = flattenValidationErrors([{ property: 'contacts', children: errors }] as never);
    expect(flat.errors).toHaveLength(MAX_FIELD_ERRORS);
    expect(flat.errors.slice(0, 3)).toEqual([
      { field: 'contacts[0].name', message: 'must be a string' },
      { field: 'contacts[0].name', message: 'is too short' },
      { field: 'contacts[1].name', message: 'must be a string' },
    ]);
    expect(flat.omitted).toBe(300 - MAX_FIELD_ERRORS);
  });
});

class Targets {
  @IsInt() @Min(1) @Max(100) seconds: number;
  @IsOptional() @IsInt() @Min(1) warn?: number;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Contact) contacts: Contact[];
}

describe('a missing required field', () => {
  const flat = (body: object) => flattenValidationErrors(validateSync(Object.assign(new Targets(), body))).errors;

  it('says "is required" once, not every rule it failed', () => {
    expect(flat({ contacts: [] })).toEqual([{ field: 'seconds', message: REQUIRED }]);
    expect(flat({ seconds: null, contacts: [] })).toEqual([{ field: 'seconds', message: REQUIRED }]);
    expect(flat({ seconds: 5 })).toEqual([{ field: 'contacts', message: REQUIRED }]);
    expect(flat({ seconds: 5, contacts: [Object.assign(new Contact(), {})] })).toEqual([{ field: 'contacts[0].name', message: REQUIRED }]);
  });

  it('keeps the rules for a value that was sent, and leaves optional fields alone', () => {
    expect(flat({ seconds: 0, contacts: [] })).toEqual([{ field: 'seconds', message: 'must not be less than 1' }]);
    expect(flat({ seconds: 5, contacts: [], warn: 0 })).toEqual([{ field: 'warn', message: 'must not be less than 1' }]);
    expect(flat({ seconds: 5, contacts: [] })).toEqual([]);
  });
});
