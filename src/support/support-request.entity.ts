import { Column, Entity } from 'typeorm';
import type { Severity } from '../cases/priority';
import { TicketColumns } from '../tickets/ticket-kind.port';
import type { SupportCategory } from './support-category.port';

/** A technical-support request (技术支持): one ticket of one customer, on the shared ticket lifecycle. */
@Entity('support_requests')
export class SupportRequest extends TicketColumns {
  /** A support request always has its customer (only a fault may be unlinked). */
  declare customerId: string;
  @Column('text') category: SupportCategory;
  /** Derived from the category (support-category.port.ts); the base of the priority. */
  @Column('text') severity: Severity;
  @Column('text') description: string;
  @Column({ type: 'uuid', nullable: true }) siteId: string | null;
  @Column({ type: 'timestamptz', nullable: true }) preferredAt: Date | null;
  @Column({ type: 'text', nullable: true }) contactName: string | null;
  @Column({ type: 'text', nullable: true }) contactMobile: string | null;
  /** The inquiry this request was converted from, if any. */
  @Column({ type: 'uuid', nullable: true }) inquiryId: string | null;
}
