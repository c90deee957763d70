import { Column, Entity } from 'typeorm';
import { CaseColumns } from '../cases/case-columns';
import type { InquiryChannel, InquiryState, InquiryTopic } from './inquiry-lifecycle';

/** A business inquiry (业务咨询), possibly from a caller who is not yet a customer. */
@Entity('inquiries')
export class Inquiry extends CaseColumns {
  /** Null while the caller is not a customer. */
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  @Column('text') callerName: string;
  @Column('text') callerMobile: string;
  @Column('text') channel: InquiryChannel;
  @Column('text') topic: InquiryTopic;
  @Column('text') question: string;
  /** Decides who sees and works the inquiry (and where its alerts go). */
  @Column('text') region: string;
  @Column('boolean') urgent: boolean;
  @Column('text') state: InquiryState;
  @Column({ type: 'text', nullable: true }) answer: string | null;
  @Column({ type: 'uuid', nullable: true }) answeredBy: string | null;
  @Column({ type: 'timestamptz', nullable: true }) answeredAt: Date | null;
  @Column({ type: 'text', nullable: true }) convertedToKind: 'order' | 'support' | null;
  @Column({ type: 'uuid', nullable: true }) convertedToId: string | null;
}
