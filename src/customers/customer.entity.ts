import { Column, CreateDateColumn, Entity, OneToMany, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Contact } from './contact.entity';
import type { Tier } from './customer-record.port';
import { ServiceInstance } from './service-instance.entity';
import { Site } from './site.entity';

/** The one customer record that every "one point" service shares. Never deleted, only archived. */
@Entity('customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** KA00000042, from a sequence (database default). */
  @Column({ type: 'text', insert: false, update: false }) customerNo: string;
  @Column('text') name: string;
  @Column('text') creditCode: string;
  @Column('text') tier: Tier;
  @Column('text') industry: string;
  @Column('text') homeRegion: string;
  @Column('boolean') greenChannel: boolean;
  /** The contract asks for 24×7 on everything: every clock of the customer's new cases counts on `24x7`. */
  @Column('boolean', { name: 'contract_24x7' }) contract24x7: boolean;
  @Column({ type: 'uuid', nullable: true }) accountManagerId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) archivedAt: Date | null;
  @Column({ type: 'text', nullable: true }) archiveReason: string | null;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;

  @OneToMany(() => Contact, (c) => c.customer) contacts?: Contact[];
  @OneToMany(() => Site, (s) => s.customer) sites?: Site[];
  @OneToMany(() => ServiceInstance, (s) => s.customer) serviceInstances?: ServiceInstance[];
}
