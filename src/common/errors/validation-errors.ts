import type { ValidationError } from '@nestjs/common';
import { getMetadataStorage, ValidationTypes } from 'class-validator';
import type { MetadataStorage as TransformMetadataStorage } from 'class-transformer/types/MetadataStorage';
import { CommonError, CommonErrorCode } from './common-errors';
import type { FieldError } from './domain-error';

/** A problem lists at most this many field errors; `errorsOmitted` counts the rest. */
export const MAX_FIELD_ERRORS = 100;

/** The one message for a required field that was not sent: optional fields (@IsOptional) never reach the rules when absent. */
export const REQUIRED = 'is required';

const fieldPath = (parent: string, property: string) =>
  /^\d+$/.test(property) ? `${parent}[${property}]` : parent ? `${parent}.${property}` : property;

/**
 * class-validator errors → one {field, message} per failed rule, with paths
 * like contacts[0].mobile: the first `max` of them (depth first, in
 * class-validator's order) and how many more there were. Iterative: the
 * error tree is as deep as the body.
 */
export function flattenValidationErrors(
  errors: ValidationError[],
  parent = '',
  max = MAX_FIELD_ERRORS,
): { errors: FieldError[]; omitted: number } {
  const out: FieldError[] = [];
  let omitted = 0;
  const stack: { error: ValidationError; parent: string }[] = errors.map((error) => ({ error, parent })).reverse();
  while (stack.length) {
    const { error: e, parent: at } = stack.pop()!;
    const field = fieldPath(at, e.property);
    // A field that is absent (or null) failed every rule it has: "is required" says what to do, the rules do not.
    const missing = 'value' in e && (e.value === undefined || e.value === null) && Object.keys(e.constraints ?? {}).length > 0;
    for (const message of missing ? [REQUIRED] : Object.values(e.constraints ?? {})) {
      if (out.length >= max) {
        omitted++;
        continue;
      }
      // class-validator prefixes messages with the property name; the field says it already
      out.push({ field, message: message.startsWith(`${e.property} `) ? message.slice(e.property.length + 1) : message });
    }
    const children = e.children ?? [];
    for (let i = children.length - 1; i >= 0; i--) stack.push({ error: children[i], parent: field });
  }
  return { errors: out, omitted };
}

/** The 400 for class-validator errors, its list capped (see MAX_FIELD_ERRORS). */
export function validationFailed(errors: ValidationError[], parent = '') {
  const flat = flattenValidationErrors(errors, parent);
  return new CommonError(CommonErrorCode.VALIDATION_FAILED, 'The request has invalid fields', {
    errors: flat.errors,
    ...(flat.omitted ? { extensions: { errorsOmitted: flat.omitted } } : {}),
  });
}

// class-transformer keeps @Type() metadata in a storage its index does not export.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const typeMetadata = (require('class-transformer/cjs/storage') as { defaultMetadataStorage: TransformMetadataStorage })
  .defaultMetadataStorage;

/** A DTO class, as class-validator and class-transformer key their metadata. */
export type DtoClass = abstract new (...args: never[]) => unknown;

interface Shape {
  /** Properties with at least one validation rule: what `whitelist` lets through. */
  known: Set<string>;
  /** Properties validated as nested objects of a known class (@ValidateNested with @Type). */
  nested: Map<string, DtoClass>;
}
const shapes = new Map<DtoClass, Shape>();

function shapeOf(target: DtoClass): Shape {
  let shape = shapes.get(target);
  if (shape) return shape;
  // the same call class-validator makes for its whitelist (no groups, no schema)
  const rules = getMetadataStorage().getTargetValidationMetadatas(target, undefined as unknown as string, false, false);
  shape = { known: new Set(rules.map((r) => r.propertyName)), nested: new Map() };
  for (const rule of rules) {
    if (rule.type !== ValidationTypes.NESTED_VALIDATION) continue;
    const type = typeMetadata.findTypeMetadata(target, rule.propertyName);
    // a discriminated @Type picks its class per value: leave those to class-validator
    if (type && !type.options?.discriminator) shape.nested.set(rule.propertyName, type.typeFunction() as DtoClass);
  }
  shapes.set(target, shape);
  return shape;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The first field of `value` that the DTO class does not declare (what
 * `forbidNonWhitelisted` would reject), or undefined. Looks at plain input
 * before class-transformer copies it: O(keys) with a Set per class, stopping
 * at the first unknown key, where class-transformer alone costs O(keys²) and
 * class-validator then reports every key. It only descends where
 * class-validator would (@ValidateNested with @Type), so it never rejects
 * what the pipe would accept; anything it misses the pipe still finds.
 * Breadth first: the shallowest unknown field, in body order.
 */
export function firstUnknownField(target: DtoClass, value: unknown): { field: string; property: string } | undefined {
  const queue: { value: Record<string, unknown>; target: DtoClass; path: string }[] = [];
  if (isPlainObject(value)) queue.push({ value, target, path: '' });
  for (let next = 0; next < queue.length; next++) {
    const { value: object, target: cls, path } = queue[next];
    const { known, nested } = shapeOf(cls);
    for (const key in object) {
      if (!Object.hasOwn(object, key)) continue;
      if (!known.has(key)) return { field: fieldPath(path, key), property: key };
      const child = nested.get(key);
      if (!child) continue;
      const v = object[key];
      const field = fieldPath(path, key);
      if (Array.isArray(v))
        v.forEach((item, i) => isPlainObject(item) && queue.push({ value: item, target: child, path: `${field}[${i}]` }));
      else if (isPlainObject(v)) queue.push({ value: v, target: child, path: field });
    }
  }
  return undefined;
}

/** The 400 class-validator gives an unknown field, for that one field only. */
export const unknownField = ({ field, property }: { field: string; property: string }) =>
  new CommonError(CommonErrorCode.VALIDATION_FAILED, 'The request has invalid fields', {
    errors: [{ field, message: `property ${property} should not exist` }],
  });
