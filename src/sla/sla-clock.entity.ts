import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertLevel, ClockName } from './sla-levels.port';

export type ClockState = 'running' | 'paused' | 'stopped';

const bigintMs = { to: (v: number) => v, from: (v: string) => Number(v) };

/**
 * One SLA clock of one case, the truth about its timing. A BullMQ job only
 * wakes the worker; the generation in its id makes any older job a no-op
 * once the clock is paused, resumed, stopped or re-targeted.
 *
 * The target is working time on `calendarKey` (docs/ARCHITECTURE.md, "SLA in
 * working time"): the clock keeps what it consumed before its running
 * stretch (`workedMs`) and when that stretch began (`resumedAt`), and stores
 * each level's instant as laid out on the calendar (clock-layout.ts), so the
 * worker raising alerts needs no calendar.
 */
@Entity('sla_clocks')
export class SlaClock {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseKind: string;
  @Column('uuid') caseId: string;
  @Column('text') clock: ClockName;
  @Column('text') policyKey: string;
  @Column('integer') policyVersion: number;
  @Column('text') calendarKey: string;
  /** Working seconds on the calendar. */
  @Column('integer') targetSeconds: number;
  @Column('integer') warnAtPercent: number;
  @Column('timestamptz') startedAt: Date;
  /** Elapsed (wall) time spent paused or stopped before a resume, for reports. */
  @Column({ type: 'bigint', transformer: bigintMs }) pausedMs: number;
  @Column({ type: 'bigint', transformer: bigintMs }) workedMs: number;
  @Column({ type: 'timestamptz', nullable: true }) resumedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) pausedAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) warnAt: Date | null;
  /** The breach instant; while paused or stopped, the last one laid out. */
  @Column('timestamptz') dueAt: Date;
  @Column({ type: 'timestamptz', nullable: true, name: 'escalate_2_at' }) escalate2At: Date | null;
  @Column({ type: 'timestamptz', nullable: true, name: 'escalate_3_at' }) escalate3At: Date | null;
  @Column('text') state: ClockState;
  @Column({ type: 'timestamptz', nullable: true }) stoppedAt: Date | null;
  @Column('integer') generation: number;
  @Column({ type: 'text', nullable: true }) nextLevel: AlertLevel | null;
  @Column({ type: 'timestamptz', nullable: true }) nextAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) breachedAt: Date | null;
}
