import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OrderState } from './order-lifecycle';

/** An order (业务受理) taken at one service point, for sites in any number of regions. */
@Entity('orders')
export class Order {
  /** Chosen by the service (not the database) so the order, its items and work orders go in one statement. */
  @PrimaryColumn('uuid') id: string;
  @Column('text') caseNo: string;
  @Column('uuid') customerId: string;
  /** Where the order was taken: the desk that answers the customer. */
  @Column('text') acceptedRegion: string;
  @Column({ type: 'text', nullable: true }) contractNo: string | null;
  @Column('boolean') urgent: boolean;
  @Column({ type: 'timestamptz', nullable: true }) requestedCompletionAt: Date | null;
  /** The resolution due time: the policy's target, the products' lead time or the requested date, whichever is latest. */
  @Column('timestamptz') committedCompletionAt: Date;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column('text') state: OrderState;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  @Column({ type: 'uuid', nullable: true }) arrearsOverriddenBy: string | null;
  /** The business inquiry this order was converted from, if any. */
  @Column({ type: 'uuid', nullable: true }) inquiryId: string | null;
  @Column({ type: 'text', nullable: true }) cancelReason: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('integer') version: number;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
