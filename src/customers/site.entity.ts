import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Customer } from './customer.entity';

/** A place the customer has service; its region decides which regional team works there. */
@Entity('customer_sites')
export class Site {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') customerId: string;
  @Column('text') name: string;
  @Column('text') region: string;
  @Column('text') address: string;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @ManyToOne('Customer', 'sites') @JoinColumn({ name: 'customer_id' }) customer?: Customer;
}
