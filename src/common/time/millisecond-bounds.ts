/** Bounds on an instant: equal to, after, from, before, up to. */
export type InstantBounds = Partial<Record<'eq' | 'gt' | 'gte' | 'lt' | 'lte', Date>>;

/**
 * Date bounds as half-open comparisons at millisecond precision, ready for
 * SQL (`column >= $1 AND column < $2`): instants on the wire carry
 * milliseconds while PostgreSQL keeps microseconds, so `eq <t>` (as
 * rendered) must match the row created within that millisecond, and
 * `gt <t>` must leave it out. Returns [operator, instant] pairs.
 */
export function millisecondComparisons(bounds: InstantBounds): ['>=' | '<', Date][] {
  const next = (d: Date) => new Date(d.getTime() + 1);
  const out: ['>=' | '<', Date][] = [];
  if (bounds.eq) out.push(['>=', bounds.eq], ['<', next(bounds.eq)]);
  if (bounds.gt) out.push(['>=', next(bounds.gt)]);
  if (bounds.gte) out.push(['>=', bounds.gte]);
  if (bounds.lt) out.push(['<', bounds.lt]);
  if (bounds.lte) out.push(['<', next(bounds.lte)]);
  return out;
}
