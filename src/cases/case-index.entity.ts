import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One row per case of any kind, kept by each case module in the same
 * transaction as its own change, so the console and the alerts can list and
 * describe cases without importing the case modules.
 */
@Entity('case_index')
export class CaseIndexEntry {
  @PrimaryColumn('text') kind: string;
  @PrimaryColumn('uuid') id: string;
  @Column('text') caseNo: string;
  /** Null for an inquiry from a caller who is not (yet) a customer. */
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  @Column('text') region: string;
  @Column('text') title: string;
  @Column('text') state: string;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  @Column('boolean') isOpen: boolean;
  @Column({ type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column('timestamptz') openedAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'timestamptz', default: () => 'now()' }) updatedAt: Date;
}
