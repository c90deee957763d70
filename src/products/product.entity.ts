import { Column, Entity, PrimaryColumn } from 'typeorm';

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
}
