/**
 * `fields=` (TMF630): the resource with exactly the listed attributes, and
 * nothing added (no id, href or @type unless listed). A dotted name keeps a
 * nested attribute (`relatedParty.name`: within each element of an array).
 * An attribute the resource does not have is simply absent.
 */
export function project(resource: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const path of fields) copyPath(resource, out, path.split('.'));
  return out;
}

function copyPath(from: Record<string, unknown>, to: Record<string, unknown>, path: string[]): void {
  const [head, ...rest] = path;
  if (!Object.hasOwn(from, head)) return;
  const value = from[head];
  if (!rest.length) {
    to[head] = value;
    return;
  }
  if (Array.isArray(value)) {
    const target = Array.isArray(to[head]) ? (to[head] as Record<string, unknown>[]) : value.map(() => ({}));
    value.forEach((el, i) => {
      if (isPlainObject(el)) copyPath(el, target[i], rest);
    });
    to[head] = target;
  } else if (isPlainObject(value)) {
    const target = isPlainObject(to[head]) ? to[head] : {};
    copyPath(value, target, rest);
    to[head] = target;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
