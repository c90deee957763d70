import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelay } from './outbox-relay';
import { WebhookDelivery, WebhookDeliveryAttempt, WebhookSubscription } from './webhook.entities';
import { OutboxRelayProcessor, WebhookDeliveryProcessor } from './webhook-processors';
import { WebhookSchedulers } from './webhook-schedulers';
import { WebhookSender } from './webhook-sender';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/**
 * Webhook subscriptions (API), the outbox relay and delivery processors (worker only).
 * Global: the TM Forum hub (src/tmf/hub) keeps its subscriptions through WebhooksService.
 */
@Module({})
export class WebhooksModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: WebhooksModule,
      global: true,
      imports: [TypeOrmModule.forFeature([WebhookSubscription, WebhookDelivery, WebhookDeliveryAttempt])],
      controllers: [WebhooksController],
      providers: [
        WebhooksService,
        ...(worker ? [OutboxRelay, WebhookSender, WebhookSchedulers, OutboxRelayProcessor, WebhookDeliveryProcessor] : []),
      ],
      exports: [WebhooksService],
    };
  }
}
