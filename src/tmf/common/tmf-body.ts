import { parseInstant } from '../../common/time/instant';
import { tmfInvalid } from './tmf-error';

/*
 * Reading a TMF request body. The facades take the body as plain JSON (no
 * DTO class: TMF resources carry `@type`, `@referredType` and extension
 * attributes the global whitelist would refuse), so they read it through
 * these helpers, which answer 400 naming the field as every DTO does.
 */

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body as an object, or 400 (an array, a string, nothing). */
export function bodyObject(body: unknown): Json {
  if (!isObject(body)) throw tmfInvalid('body', 'must be a JSON object');
  return body;
}

/**
 * A create body with the attributes the server owns left out (TMF630: sent
 * read-only attributes are ignored, not errors): `id`, `href`, and the
 * resource's own list (`status`/`state`, dates the server sets).
 */
export function withoutReadOnly(body: Json, readOnly: readonly string[]): Json {
  const drop = new Set(['id', 'href', ...readOnly]);
  return Object.fromEntries(Object.entries(body).filter(([k]) => !drop.has(k)));
}

/**
 * A PATCH body (RFC 7396 JSON merge patch, sent as application/merge-patch+json
 * or application/json): an object whose members are the changes, `null`
 * meaning "remove". Attributes the client may not change are 400s naming
 * them, rather than silently kept.
 */
export function parseMergePatch(
  body: unknown,
  patchable: readonly string[],
  ignored: readonly string[] = ['@type', '@baseType', '@schemaLocation'],
): Json {
  const patch = bodyObject(body);
  const out: Json = {};
  for (const [k, v] of Object.entries(patch)) {
    if (ignored.includes(k)) continue;
    if (!patchable.includes(k)) throw tmfInvalid(k, `cannot be changed by PATCH (patchable: ${patchable.join(', ')})`);
    out[k] = v;
  }
  return out;
}

/** RFC 7396 applied to a plain JSON value (for a facade that patches a whole sub-document). */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const result: Json = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete result[k];
    else result[k] = applyMergePatch(result[k], v);
  }
  return result;
}

/** A string attribute (trimmed); 400 when present but not a string, or (`required`) absent or blank. */
export function readString(body: Json, field: string, opts: { required?: boolean; max?: number; at?: string } = {}): string | undefined {
  const name = opts.at ?? field;
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.required) throw tmfInvalid(name, 'is required');
    return undefined;
  }
  if (typeof v !== 'string') throw tmfInvalid(name, 'must be a string');
  const s = v.trim();
  if (opts.required && !s) throw tmfInvalid(name, 'must not be blank');
  if (opts.max !== undefined && s.length > opts.max) throw tmfInvalid(name, `must be at most ${opts.max} characters`);
  return s;
}

/** An array attribute; 400 when present but not an array (`required`: absent too). */
export function readArray(body: Json, field: string, opts: { required?: boolean; max?: number; at?: string } = {}): unknown[] | undefined {
  const name = opts.at ?? field;
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.required) throw tmfInvalid(name, 'is required');
    return undefined;
  }
  if (!Array.isArray(v)) throw tmfInvalid(name, 'must be an array');
  if (opts.max !== undefined && v.length > opts.max) throw tmfInvalid(name, `must have at most ${opts.max} elements`);
  return v as unknown[];
}

/** An object attribute; 400 when present but not an object (`required`: absent too). */
export function readObject(body: Json, field: string, opts: { required?: boolean; at?: string } = {}): Json | undefined {
  const name = opts.at ?? field;
  const v = body[field];
  if (v === undefined || v === null) {
    if (opts.required) throw tmfInvalid(name, 'is required');
    return undefined;
  }
  if (!isObject(v)) throw tmfInvalid(name, 'must be an object');
  return v;
}

/** An instant with its offset (`…Z`, `…+08:00`); 400 otherwise. */
export function readInstant(body: Json, field: string, opts: { required?: boolean; at?: string } = {}): Date | undefined {
  const s = readString(body, field, opts);
  if (s === undefined) return undefined;
  const at = parseInstant(s);
  if (!at) throw tmfInvalid(opts.at ?? field, 'must be an ISO 8601 time with its offset (Z or +08:00)');
  return at;
}

/** A TMF `characteristic[]` ({name, value}) as a map, 400 on a malformed or repeated entry. */
export function readCharacteristics(body: Json, field = 'characteristic'): Map<string, unknown> {
  const list = readArray(body, field, { max: 100 }) ?? [];
  const out = new Map<string, unknown>();
  list.forEach((c, i) => {
    if (!isObject(c)) throw tmfInvalid(`${field}[${i}]`, 'must be an object {name, value}');
    const name = readString(c, 'name', { required: true, at: `${field}[${i}].name` })!;
    if (out.has(name)) throw tmfInvalid(`${field}[${i}].name`, `repeats ${name}`);
    out.set(name, c.value);
  });
  return out;
}
