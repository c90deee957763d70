import type { CatalogueProduct, OrderAction, ProductAttribute } from './products.port';

export interface RuleViolation {
  /** Relative to the item: `attributes.bandwidthMbps`, `action`. */
  field: string;
  message: string;
}

function checkValue(a: ProductAttribute, value: unknown): string | undefined {
  switch (a.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer';
      if (a.min !== undefined && value < a.min) return `must be at least ${a.min}${a.unit ? ` ${a.unit}` : ''}`;
      if (a.max !== undefined && value > a.max) return `must be at most ${a.max}${a.unit ? ` ${a.unit}` : ''}`;
      return undefined;
    case 'enum':
      return typeof value === 'string' && a.values?.includes(value) ? undefined : `must be one of ${a.values?.join(', ')}`;
    case 'string':
      return typeof value === 'string' && value.trim().length > 0 && value.length <= 500
        ? undefined
        : 'must be a non-empty text of at most 500 characters';
  }
}

/**
 * What an order item must carry for its product and action:
 * - the product must allow the action;
 * - `add` carries every required attribute (optional ones may follow);
 * - `modify` carries at least one attribute: the ones that change;
 * - `terminate` carries none;
 * - every attribute given is one the product knows, of its type and range.
 */
export function checkItemAttributes(product: CatalogueProduct, action: OrderAction, attributes: Record<string, unknown>): RuleViolation[] {
  const out: RuleViolation[] = [];
  if (!product.allowedActions.includes(action)) {
    out.push({ field: 'action', message: `${product.code} allows only ${product.allowedActions.join(', ')}` });
    return out;
  }
  const given = Object.keys(attributes);
  if (action === 'terminate') {
    if (given.length) out.push({ field: 'attributes', message: 'must be empty for terminate' });
    return out;
  }
  const known = new Map(product.attributes.map((a) => [a.name, a]));
  for (const name of given) {
    const a = known.get(name);
    if (!a) {
      out.push({ field: `attributes.${name}`, message: `is not an attribute of ${product.code} (known: ${[...known.keys()].join(', ')})` });
      continue;
    }
    const why = checkValue(a, attributes[name]);
    if (why) out.push({ field: `attributes.${name}`, message: why });
  }
  if (action === 'add') {
    for (const a of product.attributes) {
      if (a.required && !(a.name in attributes)) out.push({ field: `attributes.${a.name}`, message: `is required to add ${product.code}` });
    }
  } else if (!given.length) {
    out.push({ field: 'attributes', message: 'must name at least one attribute to modify' });
  }
  return out;
}
