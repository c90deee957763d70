import type { EntityManager, EntityTarget } from 'typeorm';
import { Column } from 'typeorm';
import { CaseColumns } from '../cases/case-columns';
import type { CaseKind } from '../cases/case-kind';
import type { TicketState } from '../cases/ticket-lifecycle';
import type { AuthContext } from '../common/auth/auth-context';
import { DomainError } from '../common/errors/domain-error';
import type { DomainErrorOptions } from '../common/errors/domain-error';
import type { EventType } from '../outbox/event-types.port';
import type { CaseNames } from '../cases/case-names';

/** The columns every ticket table (faults, support_requests) has, under the same names. */
export interface TicketRow {
  id: string;
  caseNo: string;
  /** Null for a fault not yet linked to a customer (opened by network monitoring, docs/ARCHITECTURE.md "TMF621 Trouble Ticket"). */
  customerId: string | null;
  region: string;
  state: TicketState;
  priority: number;
  greenChannel: boolean;
  /** The director who granted (or withdrew) the green channel on this one case. */
  greenChannelGrantedBy: string | null;
  assigneeId: string | null;
  feedbackScore: number | null;
  feedbackComment: string | null;
  feedbackAt: Date | null;
  resolvedAt: Date | null;
  closedAt: Date | null;
  version: number;
}

/** What every new ticket starts as: acknowledged, unassigned, no feedback, version 1. */
export const NEW_TICKET = {
  state: 'acknowledged',
  greenChannelGrantedBy: null,
  assigneeId: null,
  feedbackScore: null,
  feedbackComment: null,
  feedbackAt: null,
  resolvedAt: null,
  closedAt: null,
  version: 1,
} as const satisfies Partial<TicketRow>;

/**
 * Those columns declared once: a ticket entity (Fault, SupportRequest) extends this class and adds its own.
 * The tables themselves come from migrations.
 */
export abstract class TicketColumns extends CaseColumns implements TicketRow {
  @Column({ type: 'uuid', nullable: true }) customerId: string | null;
  /** The site's region (or the customer's home region): decides who works the ticket. */
  @Column('text') region: string;
  @Column('text') state: TicketState;
  @Column({ type: 'uuid', nullable: true }) greenChannelGrantedBy: string | null;
  @Column({ type: 'uuid', nullable: true }) assigneeId: string | null;
  @Column({ type: 'smallint', nullable: true }) feedbackScore: number | null;
  @Column({ type: 'text', nullable: true }) feedbackComment: string | null;
  @Column({ type: 'timestamptz', nullable: true }) feedbackAt: Date | null;
  @Column({ type: 'timestamptz', nullable: true }) resolvedAt: Date | null;
}

/** The failures the shared ticket behaviour can raise; each kind maps them to its own error codes. */
export type TicketFailure =
  | 'NOT_FOUND'
  | 'CUSTOMER_ARCHIVED'
  | 'ILLEGAL_TRANSITION'
  | 'CLOSED'
  | 'FEEDBACK_NOT_ALLOWED'
  | 'FEEDBACK_GIVEN'
  | 'GREEN_CHANNEL_NEEDS_DIRECTOR';

/**
 * What the shared ticket behaviour (TicketWorkflow) needs to know about one
 * kind of ticket. Faults and support requests each declare one; the
 * workflow never imports a case module.
 */
export interface TicketKind<T extends TicketRow> {
  entity: EntityTarget<T>;
  /** Its table, for the set-based queries (auto-close, dispatch). */
  table: string;
  /** Its collection in the API (`faults`): a row's own URL is apiPath(path, id). */
  path: string;
  /** In messages: "A fault in held cannot move…", "the support request’s region". */
  noun: string;
  /** Audit entity name and action prefix: `fault` → `fault.state_changed`. */
  auditEntity: string;
  actionPrefix: string;
  /** The case kind of one row (a fault row is `fault` or `complaint`). */
  caseKind(row: T): CaseKind;
  events: { stateChanged: EventType; assigned: EventType };
  /** The event payload every event of this kind carries, with the case's names (src/cases/case-names.ts). */
  eventData(row: T, names: CaseNames): Record<string, unknown>;
  error(failure: TicketFailure, detail: string, options?: DomainErrorOptions): DomainError;
  /** Whom a satisfaction call-back after closing calls (the reporter, the contact) and the case's site, if any (src/cases/closed-case.ts). */
  followUp(row: T): { contact: { name: string; mobile: string } | null; siteId: string | null };
  /** Throws the kind's not-found error when the caller may not see the row; returns the customer's account manager. */
  assertCanSee(auth: AuthContext, row: T, em: EntityManager): Promise<string | null>;
}

/** Whether `err` is the kind's own error for `failure` (the code its `error` gives), e.g. a dispatch job for a ticket that is gone. */
export function isTicketFailure<T extends TicketRow>(kind: TicketKind<T>, err: unknown, failure: TicketFailure): boolean {
  return err instanceof DomainError && err.code === kind.error(failure, '').code;
}
