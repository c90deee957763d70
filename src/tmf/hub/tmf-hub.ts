import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import type { DeliveryFormat } from '../../webhooks/delivery-formats.port';
import { DeliveryFormats } from '../../webhooks/delivery-formats.service';
import { tmfBaseUrl } from '../common/tmf-api';
import type { TmfEventSource } from './tmf-hub.port';

/** The delivery format name of an API's hub subscriptions. */
export const hubFormat = (apiName: string) => `tmf:${apiName}`;

/**
 * A TMF event's `eventId`: stable for (outbox event, TMF event type), so a
 * retry or redelivery carries the same id and the two events one change may
 * make (status change and resolution) carry two.
 */
export function tmfEventId(outboxEventId: string, eventType: string): string {
  const h = createHash('sha1').update(`${outboxEventId}|${eventType}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The hub registry: each TMF API module registers its TmfEventSource here
 * (tmf-hub.port.ts), and the hub turns it into a webhook delivery format,
 * so the webhooks module delivers TMF events without knowing any API.
 */
@Injectable()
export class TmfHub {
  private readonly sources = new Map<string, TmfEventSource>();

  constructor(
    private readonly formats: DeliveryFormats,
    private readonly config: AppConfig,
  ) {}

  register(source: TmfEventSource): void {
    if (this.sources.has(source.api.name)) throw new Error(`TMF hub events of ${source.api.name} are registered twice`);
    this.sources.set(source.api.name, source);
    this.formats.add(this.formatOf(source));
  }

  /** The registered source of an API (by its path name), if any. */
  source(apiName: string): TmfEventSource | undefined {
    return this.sources.get(apiName);
  }

  private formatOf(source: TmfEventSource): DeliveryFormat {
    return {
      name: hubFormat(source.api.name),
      sources: source.sources,
      messageTypes: source.eventTypes,
      render: async (em, event) => {
        const messages = await source.render(em, event, tmfBaseUrl(this.config));
        return messages.map((m) => ({
          type: m.eventType,
          body: {
            eventId: tmfEventId(event.id, m.eventType),
            eventTime: event.occurredAt.toISOString(),
            eventType: m.eventType,
            event: { [source.resource]: m.resource },
          },
        }));
      },
    };
  }
}
