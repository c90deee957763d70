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
  @Column({ type: 'text', nullable: true }) accessNo: string | null;
  @Column('text') state: ServiceState;
  /** As its order lines set (add) and changed (modify) them; empty for one entered by hand. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" }) attributes: Record<string, unknown>;
  /** When a terminate line completed: the instance is kept, never deleted. */
  @Column({ type: 'timestamptz', nullable: true }) terminatedAt: Date | null;
  /** The order line that created or last changed it (null for one entered by hand). */
  @Column({ type: 'uuid', nullable: true }) orderItemId: string | null;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @ManyToOne('Customer', 'serviceInstances') @JoinColumn({ name: 'customer_id' }) customer?: Customer;
}
