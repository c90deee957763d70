import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Severity } from '../cases/priority';
import type { TicketState } from '../cases/ticket-lifecycle';

export const FAULT_CATEGORIES = ['fault', 'complaint'] as const;
export type FaultCategory = (typeof FAULT_CATEGORIES)[number];
export const REPORT_CHANNELS = ['hotline', 'account_manager', 'web', 'email'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

/** A fault report or a complaint (故障申告 / 投诉): one ticket of one customer. */
@Entity('faults')
export class Fault {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseNo: string;
  @Column('uuid') customerId: string;
  @Column('text') category: FaultCategory;
  @Column('text') severity: Severity;
  @Column('text') title: string;
  @Column('text') description: string;
  @Column('text') reportedVia: ReportChannel;
  @Column({ type: 'uuid', nullable: true }) serviceInstanceId: string | null;
  @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  /** The site's region (or the customer's home region): decides who works the case. */
  @Column('text') region: string;
  @Column('text') reporterName: string;
  @Column('text') reporterMobile: string;
  @Column('text') state: TicketState;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  @Column({ type: 'uuid', nullable: true }) greenChannelGrantedBy: string | null;
  @Column({ type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column({ type: 'smallint', nullable: true }) feedbackScore: number | null;
  @Column({ type: 'text', nullable: true }) feedbackComment: string | null;
  @Column({ type: 'timestamptz', nullable: true }) feedbackAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
