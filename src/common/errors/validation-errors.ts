import type { ValidationError } from '@nestjs/common';

/** class-validator errors → one {field, message} per failed rule, with paths like contacts[0].mobile. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = /^\d+$/.test(e.property) ? `${parent}[${e.property}]` : parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      // class-validator prefixes messages with the property name; the field says it already
      message: message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message,
    }));
    return [...own, ...flattenValidationErrors(e.children ?? [], field)];
  });
}
