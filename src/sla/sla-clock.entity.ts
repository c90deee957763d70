import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { AlertLevel, ClockName } from './sla-levels.port';

export type ClockState = 'running' | 'paused' | 'stopped';

/**
 * One SLA clock of one case, the truth about its timing. A BullMQ job only
 * wakes the worker; the generation in its id makes any older job a no-op
 * once the clock is paused, resumed, stopped or re-targeted.
 */
@Entity('sla_clocks')
export class SlaClock {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column('text') caseKind: string;
  @Column('uuid') caseId: string;
  @Column('text') clock: ClockName;
  @Column('text') policyKey: string;
  @Column('integer') policyVersion: number;
  @Column('integer') targetSeconds: number;
  @Column('integer') warnAtPercent: number;
  @Column('timestamptz') startedAt: Date;
  @Column({ type: 'bigint', transformer: { to: (v: number) => v, from: (v: string) => Number(v) } }) pausedMs: number;
  @Column({ type: 'timestamptz', nullable: true }) pausedAt: Date | null;
  @Column('timestamptz') dueAt: Date;
  @Column('text') state: ClockState;
  @Column({ type: 'timestamptz', nullable: true }) stoppedAt: Date | null;
  @Column('integer') generation: number;
  @Column({ type: 'text', nullable: true }) nextLevel: AlertLevel | null;
  @Column({ type: 'timestamptz', nullable: true }) nextAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) breachedAt: Date | null;
}
