import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { EventType } from '../../outbox/event-types.port';
import type { FormatSourceEvent } from '../../webhooks/delivery-formats.port';
import { OrdersService } from '../../orders/orders.service';
import type { OrderState } from '../../orders/order-states.port';
import { TmfHub } from '../hub/tmf-hub';
import type { TmfEventMessage, TmfEventSource } from '../hub/tmf-hub.port';
import { ORDER_STATE, toProductOrder } from './product-order-mapping';
import { PRODUCT_ORDERING, productOrderHrefs } from './product-order.api';
import { extrasOf } from './product-order.repository';

/**
 * Outbox event → TMF622 event type. An item's state is its region's work
 * order's: a work order's move is an attribute change of the order
 * (productOrderItem.state) even when the order's own state stays.
 */
export const PRODUCT_ORDER_EVENTS: Readonly<Partial<Record<EventType, string>>> = {
  'order.created': 'ProductOrderCreateEvent',
  'order.state_changed': 'ProductOrderStateChangeEvent',
  'work_order.state_changed': 'ProductOrderAttributeValueChangeEvent',
};

/**
 * The TMF622 hub's events (src/tmf/hub/tmf-hub.port.ts): the order as it is
 * when the relay renders the event, its `state` the one the event is about
 * (a create relayed after a cancel still says acknowledged).
 */
@Injectable()
export class ProductOrderEvents implements TmfEventSource {
  readonly api = PRODUCT_ORDERING;
  readonly resource = 'productOrder';
  readonly sources = Object.keys(PRODUCT_ORDER_EVENTS) as EventType[];
  readonly eventTypes = [...new Set(Object.values(PRODUCT_ORDER_EVENTS))];

  constructor(
    hub: TmfHub,
    private readonly orders: OrdersService,
  ) {
    hub.register(this);
  }

  async render(em: EntityManager, event: FormatSourceEvent, base: string): Promise<TmfEventMessage[]> {
    const eventType = PRODUCT_ORDER_EVENTS[event.type];
    const orderId = event.data.orderId;
    if (!eventType || typeof orderId !== 'string') return [];
    const view = await this.orders.viewForEvent(em, orderId);
    if (!view) return [];
    const extras = await extrasOf(em, [orderId]);
    const resource = toProductOrder(view, extras.get(orderId) ?? null, productOrderHrefs(base));
    const state = event.type === 'work_order.state_changed' ? undefined : (event.data.state as OrderState | undefined);
    if (state && ORDER_STATE[state]) resource.state = ORDER_STATE[state];
    return [{ eventType, resource }];
  }
}
