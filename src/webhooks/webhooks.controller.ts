import { Body, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import {
  ApiController,
  ApiProblems,
  Auth,
  Idempotent,
  PageOf,
  Roles,
  UuidPipe,
  type AuthContext,
  ApiErrors,
} from '../common/http/controller';
import {
  CreateWebhookDto,
  DeliveryDto,
  DeliveryQuery,
  PingResultDto,
  RotateSecretDto,
  RotatedWebhookDto,
  UpdateWebhookDto,
  WebhookDto,
  WebhookQuery,
} from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

@ApiErrors('WebhookError')
@ApiController('webhooks', 'webhooks')
// Every route: a subscription names where the service's events go, so only admins see or change them.
@Roles('admin')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @Idempotent()
  @ApiOperation({
    summary: 'Subscribe a URL to event types',
    description:
      'Each delivery is a POST of `{id, type, occurredAt, data}` with `X-FocusOne-Event`, `X-FocusOne-Delivery` (the same on ' +
      'every retry), `X-FocusOne-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>`, ' +
      '`X-FocusOne-Timestamp: <unix seconds>` and `X-FocusOne-Signature-V2: t=<timestamp>,v1=<hex HMAC-SHA256 of "<timestamp>.<raw body>">` ' +
      '(one `v1=` per valid secret during a rotation). A non-2xx answer, a redirect or a timeout is retried with exponential ' +
      'backoff. The URL must reach a public address. `regions` and `customerTiers` optionally narrow the events delivered.',
  })
  @ApiCreatedResponse({ type: WebhookDto })
  @ApiProblems(400)
  create(@Auth() auth: AuthContext, @Body() dto: CreateWebhookDto) {
    return this.webhooks.create(auth, dto);
  }

  @Get()
  @ApiOperation({ summary: 'List subscriptions (live ones unless includeDeleted), newest first' })
  @ApiOkResponse({ type: PageOf(WebhookDto) })
  @ApiProblems(400)
  list(@Query() q: WebhookQuery) {
    return this.webhooks.list(q);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One subscription (also when deleted)' })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404)
  get(@Param('id', UuidPipe) id: string) {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a subscription’s URL, event types, active switch or filters (`expectedVersion` required)',
    description:
      'Absent fields keep their value; `null` removes a filter. The URL is checked as on creation (400 `WEBHOOK_URL_REFUSED`). ' +
      '`active: false` stops deliveries at once: no delivery is made for later events and the pending ones end `failed` ' +
      '(redeliver them after switching it on again). A deleted subscription cannot be changed (409 `WEBHOOK_DELETED`).',
  })
  @ApiOkResponse({ type: WebhookDto })
  @ApiProblems(400, 404, 409)
  update(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: UpdateWebhookDto) {
    return this.webhooks.update(auth, id, dto);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the secret: the new one is shown once, the current one keeps signing for `overlapSeconds`',
    description:
      'During the overlap (default 24 h, at most 7 days, 0 for none) every delivery is signed with both secrets: ' +
      '`X-FocusOne-Signature` with the previous one (receivers that have not switched keep verifying), ' +
      '`X-FocusOne-Signature-New` with the new one, and one `v1=` per secret in `X-FocusOne-Signature-V2`. After it, only the ' +
      'new secret signs. Takes no Idempotency-Key, so that the secret is never stored with a replayable answer: a retry with ' +
      'the same `expectedVersion` is a 409 instead of a second rotation.',
  })
  @ApiOkResponse({ type: RotatedWebhookDto })
  @ApiProblems(400, 404, 409)
  rotateSecret(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Body() dto: RotateSecretDto) {
    return this.webhooks.rotateSecret(auth, id, dto);
  }

  @Post(':id/ping')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send a signed `ping` to the subscription now and answer what the receiver said',
    description:
      'The body is `{id, type: "ping", occurredAt, data: {subscriptionId, events, active, requestedBy}}`, with the headers and ' +
      'signatures of a delivery. Sent while the request waits (up to WEBHOOK_TIMEOUT_MS), once, also to an inactive ' +
      'subscription; not stored as a delivery (audited). 200 whatever the receiver answered: see `delivered`.',
  })
  @ApiOkResponse({ type: PingResultDto })
  @ApiProblems(400, 404, 409)
  ping(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string) {
    return this.webhooks.ping(auth, id);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @Idempotent()
  @ApiOperation({
    summary: 'Deliver a finished delivery’s event again: a new delivery, queued now, with the same event id',
    description:
      'The body is the same bytes (`id` is the event id, so a receiver can de-duplicate on it); the delivery id ' +
      '(`X-FocusOne-Delivery`) is new, and the delivery lists `redeliveryOf`. Retried like any delivery. 409 while the ' +
      'delivery is still pending, or when the subscription is deleted or inactive.',
  })
  @ApiAcceptedResponse({ type: DeliveryDto })
  @ApiProblems(400, 404, 409)
  redeliver(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string, @Param('deliveryId', UuidPipe) deliveryId: string) {
    return this.webhooks.redeliver(auth, id, deliveryId);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a subscription: nothing more is delivered to it; its history stays' })
  @ApiNoContentResponse({ description: 'Deleted (or already deleted)' })
  @ApiProblems(400, 404)
  async remove(@Auth() auth: AuthContext, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.webhooks.remove(auth, id);
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: 'Deliveries to a subscription, newest first, each with its attempts' })
  @ApiOkResponse({ type: PageOf(DeliveryDto) })
  @ApiProblems(400, 404)
  deliveries(@Param('id', UuidPipe) id: string, @Query() q: DeliveryQuery) {
    return this.webhooks.deliveries(id, q);
  }
}
