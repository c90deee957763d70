import { parseChinaDateOrInstant } from '../../common/time/instant';
import { tmfInvalid } from './tmf-error';

/*
 * The TMF630 list query: `offset`, `limit`, `fields`, and attribute filters
 * (`?status=acknowledged`, `?status=a,b` for either, `?creationDate.gt=…`).
 * Each facade declares which attributes it filters on and how; anything
 * else in the query string is a 400 naming it (a filter silently ignored
 * would answer a list the client did not ask for).
 */

/** How an attribute is filtered: `exact` (string equality, `a,b` for either) or `date` (also `.gt .gte .lt .lte`). */
export type FilterKind = 'exact' | 'date';

export type FilterOp = 'eq' | 'gt' | 'gte' | 'lt' | 'lte';

export type TmfFilter =
  { attribute: string; kind: 'exact'; op: 'eq'; values: string[] } | { attribute: string; kind: 'date'; op: FilterOp; value: Date };

export interface TmfListSpec {
  /** Attribute name → how it is filtered. */
  filters: Readonly<Record<string, FilterKind>>;
  /** Page size without `limit` (default 50). */
  defaultLimit?: number;
  /** The largest `limit` (default 500). */
  maxLimit?: number;
}

export interface TmfListQuery {
  offset: number;
  limit: number;
  /** The attributes `fields=` keeps, or null for all. */
  fields: string[] | null;
  filters: TmfFilter[];
}

const OPS: Readonly<Record<string, FilterOp>> = { gt: 'gt', gte: 'gte', lt: 'lt', lte: 'lte' };
const RESERVED = new Set(['offset', 'limit', 'fields']);
const MAX_OFFSET = 1_000_000;

function oneValue(name: string, raw: unknown): string {
  if (Array.isArray(raw)) {
    if (raw.length !== 1) throw tmfInvalid(name, 'must be given once');
    raw = raw[0];
  }
  if (typeof raw !== 'string') throw tmfInvalid(name, 'must be a value');
  return raw;
}

function whole(name: string, raw: unknown, min: number, max: number): number {
  const text = oneValue(name, raw).trim();
  if (!/^\d{1,9}$/.test(text)) throw tmfInvalid(name, `must be a whole number from ${min} to ${max}`);
  const n = Number(text);
  if (n < min || n > max) throw tmfInvalid(name, `must be a whole number from ${min} to ${max}`);
  return n;
}

/** `fields=a,b.c` → ['a', 'b.c'] (blank entries dropped); a present but empty `fields` is a 400. */
export function parseFields(raw: unknown): string[] | null {
  if (raw === undefined) return null;
  const list = oneValue('fields', raw)
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (!list.length) throw tmfInvalid('fields', 'must name at least one attribute');
  for (const f of list) if (!/^[@A-Za-z_][\w@.-]{0,99}$/.test(f)) throw tmfInvalid('fields', `"${f}" is not an attribute name`);
  return [...new Set(list)];
}

/** Reads a list request's query string against the facade's spec (400 naming the first bad parameter). */
export function parseListQuery(query: Record<string, unknown>, spec: TmfListSpec): TmfListQuery {
  const defaultLimit = spec.defaultLimit ?? 50;
  const maxLimit = spec.maxLimit ?? 500;
  const out: TmfListQuery = {
    offset: query.offset === undefined ? 0 : whole('offset', query.offset, 0, MAX_OFFSET),
    limit: query.limit === undefined ? defaultLimit : whole('limit', query.limit, 1, maxLimit),
    fields: parseFields(query.fields),
    filters: [],
  };
  for (const [name, raw] of Object.entries(query)) {
    if (RESERVED.has(name)) continue;
    const dot = name.lastIndexOf('.');
    const suffix = dot > 0 ? name.slice(dot + 1) : '';
    const [attribute, op] = OPS[suffix] ? [name.slice(0, dot), OPS[suffix]] : [name, 'eq' as const];
    const kind = Object.hasOwn(spec.filters, attribute) ? spec.filters[attribute] : undefined;
    if (!kind) {
      const known = Object.keys(spec.filters).join(', ');
      throw tmfInvalid(name, `is not a filter of this list (filters: ${known || 'none'}; also offset, limit, fields)`);
    }
    const value = oneValue(name, raw);
    if (kind === 'exact') {
      if (op !== 'eq') throw tmfInvalid(name, `${attribute} is matched exactly; .${suffix} applies to dates`);
      const values = value.split(',').filter((v) => v.length > 0);
      if (!values.length) throw tmfInvalid(name, 'must not be empty');
      out.filters.push({ attribute, kind, op, values });
    } else {
      const at = parseChinaDateOrInstant(plusRestored(value));
      if (!at) throw tmfInvalid(name, 'must be an ISO 8601 time with its offset (Z or +08:00), or a date YYYY-MM-DD (China)');
      out.filters.push({ attribute, kind, op, value: at });
    }
  }
  return out;
}

/**
 * `2026-11-30T08:00:00 08:00` → `…+08:00`: a client that puts an offset in a
 * query string without encoding it sends a `+`, which the query string reads
 * as a space.
 */
function plusRestored(value: string): string {
  return /T\d{2}:\d{2}(:\d{2}(\.\d+)?)? \d{2}:\d{2}$/.test(value) ? value.replace(/ (\d{2}:\d{2})$/, '+$1') : value;
}

// Shared with the customer record's own date filters (src/common/time/millisecond-bounds.ts).
export { millisecondComparisons } from '../../common/time/millisecond-bounds';

/** The filters on one attribute (a facade pushes each into its service's query). */
export const filtersOn = (q: TmfListQuery, attribute: string): TmfFilter[] => q.filters.filter((f) => f.attribute === attribute);

/** The values an exact filter on `attribute` allows, or undefined when it is not filtered. */
export function exactValues(q: TmfListQuery, attribute: string): string[] | undefined {
  const f = q.filters.find((x) => x.attribute === attribute && x.kind === 'exact');
  return f?.kind === 'exact' ? f.values : undefined;
}

/** The date filters on `attribute` as bounds `{gt?, gte?, lt?, lte?, eq?}` (the last of each wins). */
export function dateBounds(q: TmfListQuery, attribute: string): Partial<Record<FilterOp, Date>> {
  const bounds: Partial<Record<FilterOp, Date>> = {};
  for (const f of filtersOn(q, attribute)) if (f.kind === 'date') bounds[f.op] = f.value;
  return bounds;
}

/**
 * Whether one resource passes every filter (for a facade that filters a page
 * its service already narrowed, or a small list held in memory): exact
 * filters compare the attribute's string form; date filters compare instants.
 */
export function passesFilters(resource: Record<string, unknown>, filters: readonly TmfFilter[]): boolean {
  return filters.every((f) => {
    const v = resource[f.attribute];
    if (f.kind === 'exact')
      return (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') && f.values.includes(String(v));
    if (typeof v !== 'string' && !(v instanceof Date)) return false;
    const t = new Date(v).getTime();
    const w = f.value.getTime();
    return f.op === 'eq' ? t === w : f.op === 'gt' ? t > w : f.op === 'gte' ? t >= w : f.op === 'lt' ? t < w : t <= w;
  });
}
