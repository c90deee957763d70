import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderAction } from '../products/products.port';

/** One line of an order; it belongs to the work order of its site's region. */
@Entity('order_items')
export class OrderItem {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid') orderId: string;
  @Column('uuid') workOrderId: string;
  @Column('smallint') lineNo: number;
  @Column('text') action: OrderAction;
  @Column('text') productCode: string;
  @Column('uuid') siteId: string;
  @Column({ type: 'uuid', nullable: true }) serviceInstanceId: string | null;
  @Column('integer') quantity: number;
  @Column('jsonb') attributes: Record<string, unknown>;
}
