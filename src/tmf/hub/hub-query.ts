import { tmfInvalid } from '../common/tmf-error';

/**
 * A hub subscription's `query` (TMF v4): which event types it wants, as
 * `eventType=A` or `eventType=A,B` (also `eventType=A&eventType=B`; spaces
 * around `=` tolerated). Absent or blank: every event type of the API.
 * Another attribute, or a type the API does not send, is a 400 (a filter
 * the hub cannot honour would deliver what the subscriber did not ask for).
 */
export function eventTypesOfQuery(query: string | null, known: readonly string[]): string[] {
  if (query === null || !query.trim()) return [...known];
  const chosen = new Set<string>();
  for (const part of query.split('&')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    if (key !== 'eventType') throw tmfInvalid('query', `only eventType can be filtered on (got "${key}")`);
    const values = decodeURIComponent(part.slice(eq + 1))
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean);
    if (!values.length) throw tmfInvalid('query', 'eventType needs a value');
    for (const v of values) {
      if (!known.includes(v)) throw tmfInvalid('query', `${v} is not an event type of this API (${known.join(', ')})`);
      chosen.add(v);
    }
  }
  if (!chosen.size) return [...known];
  return known.filter((t) => chosen.has(t));
}
