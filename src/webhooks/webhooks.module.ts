import { DynamicModule, Module } from '@nestjs/common';

/** Webhook subscriptions (API), the outbox relay and delivery processors (worker only). */
@Module({})
export class WebhooksModule {
  static register(worker: boolean): DynamicModule {
    return { module: WebhooksModule, providers: worker ? [] : [] };
  }
}
