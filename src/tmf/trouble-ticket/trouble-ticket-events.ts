import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventType } from '../../outbox/event-types.port';
import type { FormatSourceEvent } from '../../webhooks/delivery-formats.port';
import { FaultsService } from '../../faults/faults.service';
import type { TmfEventMessage, TmfEventSource } from '../hub/tmf-hub.port';
import { TroubleTicketService } from './trouble-ticket.service';
import { TROUBLE_TICKET, TROUBLE_TICKET_API } from './trouble-ticket-view';

export const TROUBLE_TICKET_EVENTS = ['TroubleTicketCreateEvent', 'TroubleTicketStatusChangeEvent', 'TroubleTicketResolvedEvent'] as const;

/**
 * The TMF621 hub's events (src/tmf/hub/tmf-hub.port.ts): `fault.created` is
 * a TroubleTicketCreateEvent; `fault.state_changed` a
 * TroubleTicketStatusChangeEvent, and also a TroubleTicketResolvedEvent when
 * the move is to `resolved`. The ticket is rendered as it is when the relay
 * reads it, with contact numbers masked (no caller).
 */
@Injectable()
export class TroubleTicketEvents implements TmfEventSource {
  readonly api = TROUBLE_TICKET_API;
  readonly resource = TROUBLE_TICKET;
  readonly eventTypes = TROUBLE_TICKET_EVENTS;
  readonly sources: readonly EventType[] = ['fault.created', 'fault.state_changed'];

  constructor(
    private readonly faults: FaultsService,
    private readonly tickets: TroubleTicketService,
  ) {}

  async render(em: EntityManager, event: FormatSourceEvent, base: string): Promise<TmfEventMessage[]> {
    const id = event.data.faultId;
    if (typeof id !== 'string') return [];
    const fault = await this.faults.forEvent(em, id);
    if (!fault) return [];
    const [resource] = await this.tickets.render(base, [fault], em);
    if (event.type === 'fault.created') return [{ eventType: 'TroubleTicketCreateEvent', resource }];
    const messages: TmfEventMessage[] = [{ eventType: 'TroubleTicketStatusChangeEvent', resource }];
    if (event.data.to === 'resolved') messages.push({ eventType: 'TroubleTicketResolvedEvent', resource });
    return messages;
  }
}
