import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Targets for one kind and priority (`fault:P1`), in working time on the named calendars; editable at run time, versioned. */
@Entity('sla_policies')
export class SlaPolicy {
  @PrimaryColumn('text') key: string;
  @Column('text') kind: string;
  @Column('smallint') priority: number;
  @Column('integer') responseSeconds: number;
  @Column('integer') resolutionSeconds: number;
  @Column('integer') warnAtPercent: number;
  @Column('text') responseCalendar: string;
  @Column('text') resolutionCalendar: string;
  @Column('integer') version: number;
  @Column({ type: 'timestamptz' }) updatedAt: Date;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
}
