import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { WorkOrderState } from './order-lifecycle';

export type DispatchChannel = 'webhook' | 'console';

/** The part of an order one region fulfils: one per distinct region among the order's sites. */
@Entity('work_orders')
export class WorkOrder {
  @PrimaryColumn('uuid') id: string;
  @Column('text') caseNo: string;
  @Column('uuid') orderId: string;
  @Column('uuid') customerId: string;
  @Column('text') region: string;
  @Column('text') state: WorkOrderState;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  /** This region's own due time (its resolution clock). */
  @Column('timestamptz') dueAt: Date;
  @Column({ type: 'text', nullable: true }) dispatchedVia: DispatchChannel | null;
  @Column({ type: 'timestamptz', nullable: true }) dispatchedAt: Date | null;
  /** Why it failed or was cancelled. */
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column('integer') version: number;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
