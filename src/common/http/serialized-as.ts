import type { Type as ClassType } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';

/** Where @nestjs/swagger keeps a DTO's @ApiProperty metadata. */
const PROPERTIES = 'swagger/apiModelPropertiesArray';
const PROPERTY = 'swagger/apiModelProperties';

type JsonSchema = Record<string, unknown>;

/**
 * A property's serialization schema from its @ApiProperty: only the types
 * whose JSON.stringify output is certain (text, booleans, numbers, instants
 * as ISO strings), each also null; anything else `{}` (written by
 * JSON.stringify as before).
 */
function propertySchema(meta: { type?: unknown; isArray?: boolean; format?: string } | undefined): JsonSchema {
  if (!meta || meta.isArray) return {};
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
  const names = ((Reflect.getMetadata(PROPERTIES, prototype) as string[] | undefined) ?? []).map((n) => n.replace(/^:/, ''));
  const properties = Object.fromEntries(
    names.map((name) => [name, propertySchema(Reflect.getMetadata(PROPERTY, prototype, name) as Parameters<typeof propertySchema>[0])]),
  );
  return { type: 'object', properties, additionalProperties: true };
}

/**
 * A hot route's 200 answer written by Fastify's schema-compiled serializer
 * instead of JSON.stringify (issue 15 point 3): `Page<item>` as PageOf
 * describes it. The fields and values are the same.
 */
export const SerializedPageOf = (item: ClassType) =>
  RouteSchema({
    response: {
      200: {
        type: 'object',
        properties: {
          items: { type: 'array', items: serializationSchema(item) },
          limit: { type: 'number' },
          offset: { type: 'number' },
          total: { type: 'number' },
          totalCapped: { type: 'boolean' },
        },
        additionalProperties: true,
      },
    },
  });
