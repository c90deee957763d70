import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CustomersService } from '../../customers/customers.service';
import type { FormatSourceEvent } from '../../webhooks/delivery-formats.port';
import { TmfHub } from '../hub/tmf-hub';
import type { TmfEventMessage, TmfEventSource } from '../hub/tmf-hub.port';
import { CUSTOMER, TMF629, toTmfCustomer } from './customer-mapping';

export const CUSTOMER_EVENT_TYPES = ['CustomerCreateEvent', 'CustomerAttributeValueChangeEvent', 'CustomerStateChangeEvent'] as const;

/**
 * TMF629's hub events: `customer.created` → CustomerCreateEvent;
 * `customer.updated` → CustomerStateChangeEvent when it archived or
 * restored the record, CustomerAttributeValueChangeEvent when it changed
 * anything else (both when both). The customer is rendered as the facade
 * renders it, as it is when the relay takes the event, mobiles masked.
 */
@Injectable()
export class TmfCustomerEvents implements TmfEventSource {
  readonly api = TMF629;
  readonly resource = CUSTOMER;
  readonly eventTypes = CUSTOMER_EVENT_TYPES;
  readonly sources = ['customer.created', 'customer.updated'] as const;

  constructor(
    hub: TmfHub,
    private readonly customers: CustomersService,
  ) {
    hub.register(this);
  }

  async render(em: EntityManager, event: FormatSourceEvent, base: string): Promise<TmfEventMessage[]> {
    const types = customerEventTypes(event);
    if (!types.length) return [];
    const customer = await this.customers.eventView(em, String(event.data.customerId));
    if (!customer) return [];
    const manager = customer.accountManagerId ? ((await this.customers.accountManagerRefs([customer.id])).get(customer.id) ?? null) : null;
    const resource = toTmfCustomer(customer, base, manager) as unknown as Record<string, unknown>;
    return types.map((eventType) => ({ eventType, resource }));
  }
}

/** Which TMF events one customer event is. */
export function customerEventTypes(event: Pick<FormatSourceEvent, 'type' | 'data'>): string[] {
  if (event.type === 'customer.created') return ['CustomerCreateEvent'];
  if (event.type !== 'customer.updated') return [];
  const changed = Array.isArray(event.data.changed) ? (event.data.changed as unknown[]) : [];
  const types: string[] = [];
  if (changed.some((c) => c !== 'archived')) types.push('CustomerAttributeValueChangeEvent');
  if (changed.includes('archived')) types.push('CustomerStateChangeEvent');
  return types;
}
