import { DynamicModule, Module } from '@nestjs/common';
import { OrdersModule } from '../../orders/orders.module';
import { TmfCommonModule } from '../common/tmf-common.module';
import { TmfHubModule } from '../hub/tmf-hub.module';
import { ProductOrderEvents } from './product-order-events';
import { CancelProductOrderController, ProductOrderController } from './product-order.controller';
import { ProductOrdersService } from './product-orders.service';

/** TMF622 Product Ordering over orders (docs/ARCHITECTURE.md, "TMF622 Product Ordering"). */
@Module({})
export class ProductOrderModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: ProductOrderModule,
      imports: [TmfCommonModule, TmfHubModule, OrdersModule.register(worker)],
      controllers: [ProductOrderController, CancelProductOrderController],
      providers: [ProductOrdersService, ProductOrderEvents],
      exports: [ProductOrdersService],
    };
  }
}
