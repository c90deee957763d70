import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { CaseKind } from '../cases/case-kind';
import type { CallbackState, SelectedBy } from './callback-rules';

/**
 * A satisfaction call-back (满意度回访) after a fault, complaint or support
 * request was closed: at most one per case. Its own case number (`CB-…`),
 * case_index row (kind `callback`) and SLA clock (`resolution`, due
 * CALLBACK_DUE_HOURS after the close), so the console queue and the
 * overview show it like any open case.
 */
@Entity('callbacks')
export class Callback {
  @PrimaryColumn('uuid') id: string;
  @Column('text') callbackNo: string;
  /** The case called back about. */
  @Column('text') caseKind: CaseKind;
  @Column('uuid') caseId: string;
  @Column('text') caseNumber: string;
  @Column('uuid') customerId: string;
  /** The case's region: the call-back desk of that region works it. */
  @Column('text') region: string;
  @Column('smallint') priority: number;
  @Column('boolean') greenChannel: boolean;
  @Column('text') selectedBy: SelectedBy;
  @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  @Column({ type: 'text', nullable: true }) contactName: string | null;
  @Column({ type: 'text', nullable: true }) contactMobile: string | null;
  @Column('text') state: CallbackState;
  @Column('smallint') attempts: number;
  /** Who made the last attempt: the agent working the call-back. */
  @Column({ type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column({ type: 'smallint', nullable: true }) score: number | null;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Column('text', { array: true }) reasons: string[];
  @Column('timestamptz') dueAt: Date;
  @Column({ type: 'timestamptz', nullable: true }) finishedAt: Date | null;
  /** The complaint raised from a low score (POST /callbacks/{id}/complaint). */
  @Column({ type: 'uuid', nullable: true }) complaintId: string | null;
  @Column('integer') version: number;
  @Column('timestamptz') createdAt: Date;
  @Column('timestamptz') updatedAt: Date;
}

/** One call made (callback_attempts): kept whole, the call-back's row carries the outcome. */
@Entity('callback_attempts')
export class CallbackAttempt {
  @PrimaryColumn('uuid') callbackId: string;
  @PrimaryColumn('smallint') n: number;
  @Column('boolean') reached: boolean;
  @Column({ type: 'smallint', nullable: true }) score: number | null;
  @Column({ type: 'text', nullable: true }) comment: string | null;
  @Column('text', { array: true }) reasons: string[];
  @Column({ type: 'uuid', nullable: true }) byId: string | null;
  @Column('text') byName: string;
  @Column('timestamptz') at: Date;
}
