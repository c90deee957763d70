import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { Severity } from '../cases/priority';
import type { TicketState } from '../cases/ticket-lifecycle';
import type { SupportCategory } from './support-category.port';

/** A technical-support request (技术支持): one ticket of one customer, on the shared ticket lifecycle. */
@Entity('support_requests')
export class SupportRequest {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseNo: string;
  @Column('uuid') customerId: string;
  @Column('text') category: SupportCategory;
  /** Derived from the category (support-category.ts); the base of the priority. */
  @Column('text') severity: Severity;
  @Column('text') description: string;
  @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) preferredAt: Date | null;
  @Column({ type: 'text', nullable: true }) contactName: string | null;
  @Column({ type: 'text', nullable: true }) contactMobile: string | null;
  /** The site's region (or the customer's home region): decides who works the request. */
  @Column('text') region: string;
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
  /** The inquiry this request was converted from, if any. */
  @Column({ type: 'uuid', nullable: true }) inquiryId: string | null;
  @Column({ type: 'uuid', nullable: true }) createdBy: string | null;
  @Column('integer') version: number;
  @CreateDateColumn({ type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ type: 'timestamptz' }) updatedAt: Date;
}
