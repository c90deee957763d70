import type { EntityManager } from 'typeorm';
import type { EventType } from '../outbox/event-types.port';

/*
 * Delivery formats (docs/ARCHITECTURE.md, "TM Forum facades"). A webhook
 * subscription with a `format` receives, instead of Focus One's envelope
 * `{id, type, occurredAt, data}`, the messages a registered format renders
 * from each event: the TM Forum hubs are such subscriptions. Everything else
 * is the webhooks' own machinery, unchanged: the relay's filters (region,
 * tier), one delivery row per message, signatures, the SSRF guard, retries,
 * the delivery log, redelivery. The webhooks module knows no format: the
 * module that owns one registers it (DeliveryFormats.add), as the outbox's
 * consumers register themselves.
 */

/** An outbox event as a format reads it. */
export interface FormatSourceEvent {
  id: string;
  type: EventType;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/** One message a format makes of an event: its type (what a subscription chooses, the X-FocusOne-Event header) and its body. */
export interface RenderedMessage {
  type: string;
  body: Record<string, unknown>;
}

export interface DeliveryFormat {
  /** Stored in `webhook_subscriptions.format`: `<family>:<name>`, e.g. `tmf:customerManagement`. */
  readonly name: string;
  /** The outbox event types it renders; the relay offers it only those. */
  readonly sources: readonly EventType[];
  /** The message types a subscription of this format may choose (what its `events` holds). */
  readonly messageTypes: readonly string[];
  /**
   * The messages one event becomes (none, one or several), in the relay's
   * transaction (`em`: read what the messages carry). Called once per event
   * whatever the number of subscribers; the bodies are stored with each
   * delivery, so every attempt and redelivery sends the same bytes.
   */
  render(em: EntityManager, event: FormatSourceEvent): Promise<RenderedMessage[]>;
}
