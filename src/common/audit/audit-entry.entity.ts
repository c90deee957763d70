import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('audit_log')
export class AuditEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) occurredAt: Date;
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text', nullable: true }) actorUsername: string | null;
  @Column('text') action: string;
  @Column('text') entity: string;
  @Column('text') entityId: string;
  @Column({ type: 'jsonb', nullable: true }) changes: Record<string, unknown> | null;
  @Column({ type: 'text', nullable: true }) requestId: string | null;
  /** The regions of what the entry concerns (GB/T 2260 codes); the audit list is filtered by them. */
  @Column({ type: 'text', array: true, default: () => `'{}'` }) regions: string[];
}
