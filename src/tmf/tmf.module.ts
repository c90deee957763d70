import { DynamicModule, Module } from '@nestjs/common';
import { TmfCommonModule } from './common/tmf-common.module';
import { TmfCustomerModule } from './customer/tmf-customer.module';
import { TmfHubModule } from './hub/tmf-hub.module';
import { ProductOrderModule } from './product-order/product-order.module';
import { TroubleTicketModule } from './trouble-ticket/trouble-ticket.module';

/**
 * The TM Forum Open API facades under /tmf-api (docs/ARCHITECTURE.md, "TM
 * Forum facades"): the TMF630 conventions kit, the event hub, and one module
 * per API. `worker`: for an API module that has processors of its own
 * (none so far; the hub delivers through the webhooks' relay).
 */
@Module({})
export class TmfModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: TmfModule,
      imports: [
        TmfCommonModule,
        TmfHubModule,
        TmfCustomerModule,
        TroubleTicketModule.register(worker),
        ProductOrderModule.register(worker),
      ],
    };
  }
}
