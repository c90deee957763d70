import type { TicketState } from '../../cases/ticket-lifecycle';
import type { FaultDto } from '../../faults/dto/fault.dto';
import type { TmfApi } from '../common/tmf-api';
import { tmfDate, tmfHref } from '../common/tmf-api';
import { tmfSeverityOf, tmfStatusOf, tmfTicketTypeOf } from './trouble-ticket-mapping';
import type { TicketCategory } from './trouble-ticket-mapping';
import type { TicketAttributes, TicketLine } from './trouble-tickets.repository';
import type { Severity } from '../../cases/priority';

export const TROUBLE_TICKET_API: TmfApi = { name: 'troubleTicket', version: 'v4', title: 'TMF621 Trouble Ticket' };
export const TROUBLE_TICKET = 'troubleTicket';

/** A TMF621 TroubleTicket, as every route and hub event renders it. */
export type TroubleTicket = Record<string, unknown> & { id: string; href: string; status: string };

/**
 * One fault or complaint as a TMF621 TroubleTicket. `attrs` is what a TMF
 * client sent (absent for a fault the console opened: its severity and
 * ticketType are then the mapping table's names for the fault's own);
 * `lines` its timeline's creation, status changes and notes.
 */
export function toTroubleTicket(base: string, f: FaultDto, attrs: TicketAttributes | undefined, lines: TicketLine[]): TroubleTicket {
  const statusChange = lines
    .filter((l) => l.type === 'created' || l.type === 'state_changed')
    .map((l) => ({
      '@type': 'StatusChange',
      status: tmfStatusOf((l.type === 'created' ? (l.data.state ?? 'acknowledged') : l.data.to) as TicketState),
      changeDate: tmfDate(l.at),
      ...(typeof l.data.reason === 'string' ? { changeReason: l.data.reason } : {}),
    }));
  const notes = lines
    .filter((l) => l.type === 'note' && typeof l.data.text === 'string')
    .map((l) => ({
      '@type': 'Note',
      id: l.id,
      author: typeof l.data.author === 'string' ? l.data.author : (l.actorName ?? undefined),
      date: typeof l.data.date === 'string' ? l.data.date : tmfDate(l.at),
      text: l.data.text as string,
    }));
  const lastChange = statusChange.at(-1);
  const linked = [
    ...(f.siteId ? [{ id: f.siteId, role: 'site', '@referredType': 'Site' }] : []),
    ...(f.serviceInstanceId ? [{ id: f.serviceInstanceId, role: 'service', '@referredType': 'Service' }] : []),
  ];
  const sent = attrs?.relatedEntity ?? [];
  return {
    id: f.id,
    href: tmfHref(base, TROUBLE_TICKET_API, TROUBLE_TICKET, f.id),
    '@type': 'TroubleTicket',
    name: attrs?.name ?? f.title,
    description: f.description,
    severity: attrs?.severity ?? tmfSeverityOf(f.severity as Severity),
    ticketType: attrs?.ticketType ?? tmfTicketTypeOf(f.category as TicketCategory),
    status: tmfStatusOf(f.state as TicketState),
    priority: f.priority,
    creationDate: tmfDate(f.createdAt),
    lastUpdate: tmfDate(f.updatedAt),
    statusChangeDate: lastChange?.changeDate,
    ...(lastChange && 'changeReason' in lastChange ? { statusChangeReason: lastChange.changeReason } : {}),
    // The resolution clock's due time (moved by pauses, re-targeted with the priority).
    expectedResolutionDate: tmfDate(f.sla.resolutionDueAt),
    resolutionDate: tmfDate(f.resolvedAt),
    externalId: attrs?.externalId ?? undefined,
    channel: attrs?.channel ?? { '@type': 'Channel', name: f.reportedVia },
    note: notes,
    statusChange,
    relatedParty: f.customerId ? [{ id: f.customerId, role: 'customer', '@referredType': 'Organization' }] : [],
    // As sent, plus the site and service instance the fault is linked to when the client did not name them.
    relatedEntity: [...sent, ...linked.filter((l) => !sent.some((s) => s.id === l.id))],
    // Focus One's own identity of the case: its number and region.
    caseNo: f.caseNo,
    region: f.region,
  };
}
