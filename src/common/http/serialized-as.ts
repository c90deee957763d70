import type { Type as ClassType } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { PageOf } from '../pagination/page';

/** Where @nestjs/swagger keeps a DTO's @ApiProperty metadata. */
const PROPERTIES = 'swagger/apiModelPropertiesArray';
const PROPERTY = 'swagger/apiModelProperties';

type JsonSchema = Record<string, unknown>;

type PropertyMeta = { type?: unknown; isArray?: boolean; format?: string } | undefined;

/** The DTO's @ApiProperty names in declaration order (empty for a class without any). */
function propertyNames(dto: ClassType): string[] {
  return ((Reflect.getMetadata(PROPERTIES, dto.prototype as object) as string[] | undefined) ?? []).map((n) => n.replace(/^:/, ''));
}

/**
 * A property's serialization schema from its @ApiProperty: only the types
 * whose JSON.stringify output is certain (text, booleans, numbers, instants
 * as ISO strings), each also null, and arrays of a described DTO (a page's
 * `items`); anything else `{}` (written by JSON.stringify as before).
 */
function propertySchema(meta: PropertyMeta): JsonSchema {
  if (!meta) return {};
  if (meta.isArray) {
    const item = meta.type as ClassType | undefined;
    return typeof item === 'function' && propertyNames(item).length > 0 ? { type: 'array', items: serializationSchema(item) } : {};
  }
  switch (meta.type) {
    case String:
    case 'string':
      return meta.format === 'date-time' ? {} : { type: ['string', 'null'] };
    case Boolean:
    case 'boolean':
      return { type: ['boolean', 'null'] };
    case Number:
    case 'number':
      return { type: ['number', 'null'] };
    case Date:
      return { type: ['string', 'null'], format: 'date-time' };
    default:
      return {};
  }
}

/**
 * The JSON schema Fastify compiles into a serializer for a DTO, from the
 * same @ApiProperty metadata the OpenAPI document is built from, in the
 * DTO's field order. `additionalProperties: true`: a field the metadata does
 * not describe is still written (by JSON.stringify), so the schema can never
 * drop one.
 */
export function serializationSchema(dto: ClassType): JsonSchema {
  const prototype = dto.prototype as object;
  const properties = Object.fromEntries(
    propertyNames(dto).map((name) => [name, propertySchema(Reflect.getMetadata(PROPERTY, prototype, name) as PropertyMeta)]),
  );
  return { type: 'object', properties, additionalProperties: true };
}

/**
 * A hot route's 200 answer written by Fastify's schema-compiled serializer
 * instead of JSON.stringify (issue 15 point 3): `Page<item>` built from the
 * metadata of PageOf (the class the OpenAPI document describes), so the
 * page's fields, their order and types are written down once. The service
 * builds its page in that order, so the bytes are those JSON.stringify
 * would write.
 */
export const SerializedPageOf = (item: ClassType) => RouteSchema({ response: { 200: serializationSchema(PageOf(item)) } });
