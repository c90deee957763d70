import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { ContactRole } from './customer-record.port';
import type { Customer } from './customer.entity';

@Entity('customer_contacts')
export class Contact {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') customerId: string;
  @Column('text') name: string;
  @Column('text') mobile: string;
  @Column('text') role: ContactRole;
  /** No SMS notices about their cases (issue 13 point 5): recorded as suppressed, never sent. */
  @Column('boolean') notificationsOptOut: boolean;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @ManyToOne('Customer', 'contacts') @JoinColumn({ name: 'customer_id' }) customer?: Customer;
}
