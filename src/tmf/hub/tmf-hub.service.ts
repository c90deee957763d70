import { Injectable } from '@nestjs/common';
import type { AuthContext } from '../../common/auth/auth-context';
import { WebhooksService } from '../../webhooks/webhooks.service';
import { bodyObject, readString } from '../common/tmf-body';
import { isUuid, tmfInvalid, tmfNotFound } from '../common/tmf-error';
import type { EventSubscriptionDto } from './dto/event-subscription.dto';
import { eventTypesOfQuery } from './hub-query';
import { hubFormat, TmfHub } from './tmf-hub';
import type { TmfEventSource } from './tmf-hub.port';

/** `/tmf-api/<api>/v4/hub`: subscriptions are webhook subscriptions in the API's TMF format. */
@Injectable()
export class TmfHubService {
  constructor(
    private readonly hub: TmfHub,
    private readonly webhooks: WebhooksService,
  ) {}

  async subscribe(auth: AuthContext, apiName: string, body: unknown): Promise<EventSubscriptionDto> {
    const source = this.sourceOf(apiName);
    const input = bodyObject(body);
    for (const key of Object.keys(input)) {
      if (!['callback', 'query', 'secret', 'id', 'href', '@type', '@baseType', '@schemaLocation'].includes(key)) {
        throw tmfInvalid(key, 'is not an attribute of an EventSubscription (callback, query)');
      }
    }
    const callback = readString(input, 'callback', { required: true, max: 2048 })!;
    const query = readString(input, 'query', { max: 1000 }) || null;
    const secret = readString(input, 'secret');
    if (secret !== undefined && (secret.length < 16 || secret.length > 256)) throw tmfInvalid('secret', 'must be 16 to 256 characters');
    const events = eventTypesOfQuery(query, source.eventTypes);
    const created = await this.webhooks.subscribeFormatted(auth, { url: callback, format: hubFormat(apiName), events, query, secret });
    return {
      id: created.subscription.id,
      callback: created.subscription.url,
      query,
      ...(secret === undefined ? { secret: created.secret } : {}),
    };
  }

  async get(apiName: string, id: string): Promise<EventSubscriptionDto> {
    this.sourceOf(apiName);
    if (!isUuid(id)) throw tmfNotFound('hub subscription', id);
    const s = await this.webhooks.formattedSubscription(id, hubFormat(apiName)).catch(() => {
      throw tmfNotFound('hub subscription', id);
    });
    return { id: s.id, callback: s.url, query: s.formatQuery };
  }

  async unsubscribe(auth: AuthContext, apiName: string, id: string): Promise<void> {
    this.sourceOf(apiName);
    if (!isUuid(id)) throw tmfNotFound('hub subscription', id);
    await this.webhooks.removeFormatted(auth, id, hubFormat(apiName)).catch((err: unknown) => {
      throw (err as { code?: string }).code === 'WEBHOOK_NOT_FOUND' ? tmfNotFound('hub subscription', id) : err;
    });
  }

  private sourceOf(apiName: string): TmfEventSource {
    const source = this.hub.source(apiName);
    if (!source) throw tmfNotFound('TM Forum API', apiName);
    return source;
  }
}
