import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** Who owned the customer before: kept so no customer's history is lost when a manager leaves. */
@Entity('account_manager_transfers')
export class AccountManagerTransfer {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') customerId: string;
  @Column({ type: 'uuid', nullable: true }) fromAccountManagerId: string | null;
  @Column('uuid') toAccountManagerId: string;
  @Column('text') reason: string;
  @Column({ type: 'uuid', nullable: true }) transferredBy: string | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) transferredAt: Date;
}
