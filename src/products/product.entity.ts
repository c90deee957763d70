import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CatalogueProduct, OrderAction, ProductAttribute } from './products.port';

@Entity('products')
export class Product implements CatalogueProduct {
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
