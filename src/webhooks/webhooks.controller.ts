import { Body, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiController, ApiProblems, Auth, Idempotent, PageOf, Roles, UuidPipe, type AuthContext } from '../common/http/controller';
import { CreateWebhookDto, DeliveryDto, DeliveryQuery, WebhookDto, WebhookQuery } from './dto/webhook.dto';
import { WebhooksService } from './webhooks.service';

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
      'every retry) and `X-FocusOne-Signature: sha256=<hex HMAC-SHA256 of the raw body keyed with the secret>`. A non-2xx ' +
      'answer, a redirect or a timeout is retried with exponential backoff. The URL must reach a public address.',
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
