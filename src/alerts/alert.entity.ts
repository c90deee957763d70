import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertLevel, ClockName } from '../sla/sla-levels.port';

/** One SLA alert: unique per (case, clock, level) in PostgreSQL, however many workers race. */
@Entity('alerts')
export class Alert {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseKind: string;
  @Column('uuid') caseId: string;
  @Column('text') caseNo: string;
  @Column('uuid') clockId: string;
  @Column('text') clock: ClockName;
  @Column('text') level: AlertLevel;
  @Column('timestamptz') dueAt: Date;
  @Column({ type: 'timestamptz', insert: false }) raisedAt: Date;
  /** Null for a case with no customer (an inquiry from a caller who is not yet one). */
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  @Column('text') region: string;
  @Column({ type: 'uuid', nullable: true }) acknowledgedBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) acknowledgedAt: Date | null;
  /** What the person who acknowledged it wrote (POST /alerts/:id/ack {note}). */
  @Column({ type: 'text', nullable: true }) acknowledgedNote: string | null;
}
