import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { EscalationLevels } from './escalation-rules.port';

/** A region's own escalation policy (migration 1795860000000); a region without one inherits its parent's, up to CN. */
@Entity('escalation_policies')
export class EscalationPolicy {
  /** A GB/T 2260 code, or CN for the national policy. */
  @PrimaryColumn('text') region: string;
  @Column('jsonb') levels: EscalationLevels;
  @Column('integer') version: number;
  @Column({ type: 'uuid', nullable: true }) updatedBy: string | null;
  @Column('timestamptz') updatedAt: Date;
}
