import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One line of a case's history: state change, note, assignment, SLA event… in order. */
@Entity('case_timeline')
export class CaseTimelineEntry {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' }) id: string;
  @Column('text') caseKind: string;
  @Column('uuid') caseId: string;
  @Column({ type: 'timestamptz', insert: false }) at: Date;
  @Column('text') type: string;
  @Column({ type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text', nullable: true }) actorName: string | null;
  @Column('jsonb') data: Record<string, unknown>;
}
