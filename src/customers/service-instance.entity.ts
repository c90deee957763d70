import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Customer } from './customer.entity';

export const SERVICE_STATES = ['pending', 'active', 'suspended', 'terminated'] as const;
export type ServiceState = (typeof SERVICE_STATES)[number];

/** A product in service at one site: a leased line, a rack, a conference bridge… */
@Entity('service_instances')
export class ServiceInstance {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('uuid') customerId: string;
  @Column('text') productCode: string;
  @Column('uuid') siteId: string;
  /** Access number or circuit id, as the hotline hears it from the caller. */
  @Column('text') accessNo: string;
  @Column('text') state: ServiceState;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @ManyToOne('Customer', 'serviceInstances') @JoinColumn({ name: 'customer_id' }) customer?: Customer;
}
