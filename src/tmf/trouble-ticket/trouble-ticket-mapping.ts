import type { Severity } from '../../cases/priority';
import type { TicketState } from '../../cases/ticket-lifecycle';
import { TICKET_STATES } from '../../cases/ticket-lifecycle';

/*
 * TMF621 Trouble Ticket ↔ Focus One faults and complaints: the mapping
 * tables, in one place (read by the facade, its unit spec, the README's
 * "How an OSS connects" and docs/ARCHITECTURE.md "TMF621 Trouble Ticket").
 * TMF leaves `severity` and `ticketType` free text: the facade keeps what the
 * client sent, exactly, and the fault holds the mapped value.
 */

/** A ticket's kind in Focus One: a fault or a complaint (both live in `faults`). */
export type TicketCategory = 'fault' | 'complaint';

/** TMF severity (compared trimmed, case-insensitively) → Focus One severity. Anything else is `minor`. */
export const SEVERITY_TABLE: readonly { severity: Severity; tmf: readonly string[] }[] = [
  { severity: 'critical', tmf: ['Critical'] },
  { severity: 'major', tmf: ['Major', 'High'] },
  { severity: 'minor', tmf: ['Minor', 'Medium', 'Low'] },
];
export const DEFAULT_SEVERITY: Severity = 'minor';

/** TMF ticketType (trimmed, case-insensitively) → Focus One kind. Anything else is a `fault`. */
export const TICKET_TYPE_TABLE: readonly { category: TicketCategory; tmf: readonly string[] }[] = [
  { category: 'complaint', tmf: ['complaint', 'complain'] },
];
export const DEFAULT_CATEGORY: TicketCategory = 'fault';

const norm = (s: string) => s.trim().toLowerCase();

export function severityFromTmf(tmf: string): Severity {
  return SEVERITY_TABLE.find((r) => r.tmf.some((t) => norm(t) === norm(tmf)))?.severity ?? DEFAULT_SEVERITY;
}

export function categoryFromTmf(ticketType: string): TicketCategory {
  return TICKET_TYPE_TABLE.find((r) => r.tmf.some((t) => norm(t) === norm(ticketType)))?.category ?? DEFAULT_CATEGORY;
}

/** What a fault opened elsewhere (the console) shows as its TMF severity: the table's first name for it. */
export function tmfSeverityOf(severity: Severity): string {
  return SEVERITY_TABLE.find((r) => r.severity === severity)!.tmf[0];
}

/** What a fault opened elsewhere shows as its TMF ticketType: its kind's own name. */
export const tmfTicketTypeOf = (category: TicketCategory): string => category;

/** TMF621 TroubleTicketStatusType ↔ the ticket lifecycle (src/cases/ticket-lifecycle.ts): the same states, camelCase. */
export const STATUS_TABLE: Readonly<Record<TicketState, string>> = {
  acknowledged: 'acknowledged',
  in_progress: 'inProgress',
  pending: 'pending',
  held: 'held',
  resolved: 'resolved',
  closed: 'closed',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

export const TMF_STATUSES: readonly string[] = TICKET_STATES.map((s) => STATUS_TABLE[s]);

export const tmfStatusOf = (state: TicketState): string => STATUS_TABLE[state];

/** The lifecycle state of a TMF status, or undefined when it is none (exact spelling, as TMF defines the enum). */
export function stateFromTmf(status: string): TicketState | undefined {
  return TICKET_STATES.find((s) => STATUS_TABLE[s] === status);
}

/** `relatedParty` roles and referred types that name the ticket's customer. */
export const CUSTOMER_PARTY = { roles: ['customer'], referredTypes: ['Organization', 'Customer'] } as const;

/** `relatedEntity` referred types Focus One links: a customer's site, a service instance. */
export const RELATED_ENTITY_TYPES = { Site: 'siteId', Service: 'serviceInstanceId' } as const;

/** Whether a related party names the customer: role `customer` (any case), or referred type Organization or Customer. */
export function isCustomerParty(p: { role?: unknown; '@referredType'?: unknown }): boolean {
  const role = typeof p.role === 'string' ? norm(p.role) : '';
  const type = typeof p['@referredType'] === 'string' ? p['@referredType'] : '';
  return CUSTOMER_PARTY.roles.includes(role as 'customer') || (CUSTOMER_PARTY.referredTypes as readonly string[]).includes(type);
}
