/** What other modules may know of the catalogue: a product as orders check items against it (docs/ARCHITECTURE.md, "Dependency rules"). */

export const ORDER_ACTIONS = ['add', 'modify', 'terminate'] as const;
export type OrderAction = (typeof ORDER_ACTIONS)[number];

/** What an order item for this product must carry; checked when orders are taken. */
export interface ProductAttribute {
  name: string;
  type: 'integer' | 'string' | 'enum';
  required: boolean;
  labelZh: string;
  labelEn: string;
  unit?: string;
  min?: number;
  max?: number;
  values?: string[];
}

/** A catalogue entry (the `products` row). */
export interface CatalogueProduct {
  code: string;
  nameZh: string;
  nameEn: string;
  category: string;
  description: string;
  attributes: ProductAttribute[];
  active: boolean;
  /** What an order item may do with this product. */
  allowedActions: OrderAction[];
  /** Days the operator needs to deliver (clocks run 24×7); an order's committed completion is never earlier. */
  leadTimeDays: number;
}
