import { Column, Entity, PrimaryColumn } from 'typeorm';

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

@Entity('products')
export class Product {
  @PrimaryColumn('text') code: string;
  @Column('text') nameZh: string;
  @Column('text') nameEn: string;
  @Column('text') category: string;
  @Column('text') description: string;
  @Column('jsonb') attributes: ProductAttribute[];
  @Column('boolean') active: boolean;
  /** What an order item may do with this product. */
  @Column('text', { array: true }) allowedActions: OrderAction[];
  /** Days the operator needs to deliver (clocks run 24×7); an order's committed completion is never earlier. */
  @Column('integer') leadTimeDays: number;
}
