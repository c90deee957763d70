import type { EntityManager } from 'typeorm';
import type { EventType } from '../../outbox/event-types.port';
import type { FormatSourceEvent } from '../../webhooks/delivery-formats.port';
import type { TmfApi } from '../common/tmf-api';

/*
 * How a TM Forum API module uses the kit and registers its hub events
 * (docs/ARCHITECTURE.md, "TM Forum facades").
 *
 * Routes: a controller decorated `@TmfController(API, 'resource')`
 * (src/tmf/common/tmf-http.ts) takes `@Body() body: unknown` and
 * `@Query() query: Record<string, unknown>` and makes one call to its facade.
 * The facade reads bodies with src/tmf/common/tmf-body.ts (bodyObject,
 * withoutReadOnly, parseMergePatch, readString…: 400 naming the field),
 * lists with parseListQuery + exactValues/dateBounds (tmf-query.ts) and
 * answers a list as `new TmfPage(items, total, q.fields)`, ids of any format
 * with tmfNotFound (isUuid first), hrefs with tmfHref(tmfBaseUrl(config,
 * origin), API, 'resource', id) (tmf-api.ts, origin from @TmfOrigin()), a
 * missing region with callerRegion (tmf-region.ts), and creating POSTs
 * carry `@Idempotent()` (src/common/http/controller.ts). Errors are any
 * domain error: under /tmf-api the filter answers the TMF Error object.
 *
 * Events: the module provides one TmfEventSource and registers it from its
 * constructor, `constructor(hub: TmfHub) { hub.register(this) }` (import
 * TmfHubModule). The hub then serves
 * `POST/GET/DELETE /tmf-api/<api.name>/v4/hub[/{id}]` for the API and
 * delivers its events through the webhook machinery: a hub subscription is
 * a webhook subscription in the format `tmf:<api.name>`, the relay calls
 * `render` once per outbox event of `sources`, and each message goes out as
 * `{eventId, eventTime, eventType, event: {<resource>: …}}`, signed,
 * retried and logged as every webhook delivery.
 */

/** One TMF event a source makes of an outbox event: its type and the resource it carries. */
export interface TmfEventMessage {
  eventType: string;
  resource: Record<string, unknown>;
}

export interface TmfEventSource {
  readonly api: TmfApi;
  /** The key of the resource in the envelope's `event`: `troubleTicket`, `productOrder`, `customer`. */
  readonly resource: string;
  /** Every TMF event type it may send (what a hub `query` chooses among). */
  readonly eventTypes: readonly string[];
  /** The outbox event types it turns into TMF events. */
  readonly sources: readonly EventType[];
  /**
   * The TMF events one outbox event is (none, one or several: a ticket
   * resolved is a status change and a resolution), in the relay's
   * transaction: read the resource as it is now through the module's
   * service, render it as the facade does (`base`: for the hrefs). Nothing
   * here may depend on a caller: a hub subscriber sees contact numbers masked.
   */
  render(em: EntityManager, event: FormatSourceEvent, base: string): Promise<TmfEventMessage[]>;
}
