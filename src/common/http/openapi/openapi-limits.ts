import { getMetadataStorage } from 'class-validator';
import type { Document, Schema } from './openapi-types';
import { walkSchema } from './openapi-types';
import type { Route } from './openapi-routes';

// Where @ApiProperty keeps its options (@nestjs/swagger's DECORATORS, not exported by the package).
const MODEL_PROPERTIES = 'swagger/apiModelProperties';
const MODEL_PROPERTIES_ARRAY = 'swagger/apiModelPropertiesArray';

/**
 * Copies what class-validator enforces into the schemas, so the document states
 * the limits the server applies (one source: the DTO decorators). @nestjs/swagger
 * reads these only through its CLI plugin (`nest build`); the project builds with
 * tsc and tests with ts-jest, so the document is completed here instead
 * (docs/ARCHITECTURE.md, "OpenAPI document").
 */
export function documentLimits(doc: Document, routes: Route[]): void {
  const schemas = doc.components?.schemas ?? {};
  for (const cls of inputClasses(routes)) {
    const rules = rulesByProperty(cls);
    const schema = schemas[cls.name];
    if (schema?.properties) for (const [prop, list] of rules) if (schema.properties[prop]) applyRules(schema.properties[prop], list);
  }
  // Query DTOs are documented as one parameter per property.
  for (const route of routes) {
    for (const cls of paramClasses(route)) {
      const rules = rulesByProperty(cls);
      for (const p of route.op.parameters ?? []) {
        const list = p.in === 'query' ? rules.get(p.name) : undefined;
        if (list && p.schema) applyRules(p.schema, list);
      }
    }
  }
}

/**
 * Every number is an integer unless its schema says `format: 'double'` or
 * `'float'` (money is in fen, counts, versions and durations are whole; a
 * fractional field must say so), and every amount in fen is an int64.
 */
export function documentIntegers(doc: Document): void {
  const visit = (s: Schema, name?: string) => {
    if (s.type === 'number' && s.format !== 'double' && s.format !== 'float') {
      s.type = 'integer';
      delete s.format;
    }
    if (s.type === 'integer' && name?.endsWith('Fen')) s.format = 'int64';
  };
  for (const schema of Object.values(doc.components?.schemas ?? {})) walkSchema(schema, visit);
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const p of op?.parameters ?? []) walkSchema(p.schema, visit, p.name);
      for (const response of Object.values(op?.responses ?? {})) {
        for (const media of Object.values(response.content ?? {})) walkSchema(media.schema, visit);
      }
    }
  }
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type Class = abstract new (...args: never[]) => unknown;
/** A class's prototype, where the decorators keep their metadata (typed `any` on a constructor type). */
const protoOf = (cls: Class) => (cls as unknown as { prototype: object }).prototype;

function paramClasses(route: Route): Class[] {
  const types = (Reflect.getMetadata('design:paramtypes', protoOf(route.controller), route.handler.name) ?? []) as unknown[];
  return types.filter((t): t is Class => isDtoClass(t));
}

/** The body and query classes of every route and the classes nested in them, through their @ApiProperty types. */
function inputClasses(routes: Route[]): Set<Class> {
  const seen = new Set<Class>();
  const visit = (cls: Class) => {
    if (seen.has(cls)) return;
    seen.add(cls);
    const props = (Reflect.getMetadata(MODEL_PROPERTIES_ARRAY, protoOf(cls)) ?? []) as string[];
    for (const key of props) {
      const meta = Reflect.getMetadata(MODEL_PROPERTIES, protoOf(cls), key.replace(/^:/, '')) as { type?: unknown };
      const nested = resolveType(meta?.type);
      if (nested) visit(nested);
    }
  };
  for (const route of routes) paramClasses(route).forEach(visit);
  return seen;
}

function resolveType(type: unknown): Class | undefined {
  let t: unknown = Array.isArray(type) ? (type as unknown[])[0] : type;
  // A lazy type, `type: () => SiteDto`, is an arrow function: it has no prototype.
  if (typeof t === 'function' && !(t as { prototype?: unknown }).prototype) t = (t as () => unknown)();
  if (Array.isArray(t)) t = (t as unknown[])[0];
  return isDtoClass(t) ? t : undefined;
}

function isDtoClass(t: unknown): t is Class {
  return (
    typeof t === 'function' &&
    !!(t as { prototype?: unknown }).prototype &&
    ![String, Number, Boolean, Date, Object, Array].includes(t as never)
  );
}

function rulesByProperty(cls: Class): Map<string, ValidationMetadata[]> {
  const byProp = new Map<string, ValidationMetadata[]>();
  for (const m of getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false)) {
    byProp.set(m.propertyName, [...(byProp.get(m.propertyName) ?? []), m]);
  }
  return byProp;
}

/** One class-validator rule as the JSON Schema keyword that says the same; rules with no keyword are left out. */
function applyRules(property: Schema, rules: ValidationMetadata[]): void {
  for (const rule of rules) {
    const target = rule.each ? property.items : property;
    if (!target || target.$ref || target.allOf) continue;
    const [c0, c1] = (rule.constraints ?? []) as unknown[];
    switch (rule.name) {
      case 'isInt':
        target.type = 'integer';
        break;
      case 'min':
        target.minimum = c0;
        break;
      case 'max':
        target.maximum = c0;
        break;
      case 'minLength':
        target.minLength = c0;
        break;
      case 'maxLength':
        target.maxLength = c0;
        break;
      case 'matches': {
        const re = c0 instanceof RegExp ? c0 : new RegExp(String(c0), c1 as string | undefined);
        // JSON Schema patterns have no flags: a case-insensitive rule is left to the description.
        if (!re.flags.replace(/[gu]/g, '')) target.pattern = re.source;
        break;
      }
      case 'isIn':
        if (!target.enum) target.enum = [...(c0 as unknown[])];
        break;
      case 'isUuid':
      case 'isUUID':
        target.format = 'uuid';
        break;
      case 'isFen': {
        const opts = (c0 ?? {}) as { max?: number; positive?: boolean };
        target.type = 'integer';
        target.format = 'int64';
        if (opts.max) {
          target.maximum = opts.max;
          target.minimum = opts.positive ? 1 : -opts.max;
        }
        break;
      }
    }
    if (rule.name === 'arrayMaxSize' && property.type === 'array') property.maxItems = c0;
    if (rule.name === 'arrayMinSize' && property.type === 'array') property.minItems = c0;
    if (rule.name === 'arrayUnique' && property.type === 'array') property.uniqueItems = true;
  }
}
