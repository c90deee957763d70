import { Column, Entity } from 'typeorm';
import type { Severity } from '../cases/priority';
import { TicketColumns } from '../tickets/ticket-kind.port';

export const FAULT_CATEGORIES = ['fault', 'complaint'] as const;
export type FaultCategory = (typeof FAULT_CATEGORIES)[number];
/** `oss`: an operator support system (network monitoring) through the TMF621 facade. */
export const REPORT_CHANNELS = ['hotline', 'account_manager', 'web', 'email', 'oss'] as const;
export type ReportChannel = (typeof REPORT_CHANNELS)[number];

/** A fault report or a complaint (故障申告 / 投诉): one ticket of one customer. */
@Entity('faults')
export class Fault extends TicketColumns {
  @Column('text') category: FaultCategory;
  @Column('text') severity: Severity;
  @Column('text') title: string;
  @Column('text') description: string;
  @Column('text') reportedVia: ReportChannel;
  @Column({ type: 'uuid', nullable: true }) serviceInstanceId: string | null;
  @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  /** Null when nobody reported it by phone (a ticket from network monitoring). */
  @Column({ type: 'text', nullable: true }) reporterName: string | null;
  @Column({ type: 'text', nullable: true }) reporterMobile: string | null;
  /** Open faults this one may repeat, found when it was opened (fault-duplicates.repository.ts); never changed after. */
  @Column('jsonb') possibleDuplicateOf: DuplicateRef[];
}

/** A fault another one may repeat. */
export interface DuplicateRef {
  id: string;
  caseNo: string;
}
