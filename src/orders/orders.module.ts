import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { ProductsModule } from '../products/products.module';
import { BillingModule } from '../billing/billing.module';
import { ORDER_INTAKE } from '../cases/order-intake';
import { ARREARS_GATE, BillingArrearsGate } from './arrears-gate';
import { FulfilmentProcessor } from './fulfilment.processor';
import { OrderFanOut } from './order-fan-out';
import { OrderItem } from './order-item.entity';
import { OrderMaintenanceProcessor } from './order-maintenance.processor';
import { Order } from './order.entity';
import { OrdersController } from './orders.controller';
import { OrdersService } from './orders.service';
import { RegionDispatchEndpoint } from './region-dispatch-endpoint.entity';
import { RegionDispatchController } from './region-dispatch.controller';
import { RegionDispatchService } from './region-dispatch.service';
import { WorkOrder } from './work-order.entity';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersService } from './work-orders.service';

/** Orders (一点业务受理), their regional work orders, fan-out and fulfilment dispatch. */
@Module({})
export class OrdersModule {
  // The app and the inquiries module both import it: one module object per mode, so Nest builds it once.
  private static readonly registered = new Map<boolean, DynamicModule>();

  static register(worker: boolean): DynamicModule {
    const known = OrdersModule.registered.get(worker);
    if (known) return known;
    const module: DynamicModule = {
      module: OrdersModule,
      imports: [
        TypeOrmModule.forFeature([Order, WorkOrder, OrderItem, RegionDispatchEndpoint]),
        CustomersModule,
        ProductsModule,
        BillingModule,
      ],
      controllers: [OrdersController, WorkOrdersController, RegionDispatchController],
      providers: [
        OrdersService,
        WorkOrdersService,
        RegionDispatchService,
        OrderFanOut,
        { provide: ARREARS_GATE, useClass: BillingArrearsGate },
        // How an inquiry becomes an order (the inquiries module knows only the port).
        { provide: ORDER_INTAKE, useExisting: OrdersService },
        ...(worker ? [FulfilmentProcessor, OrderMaintenanceProcessor] : []),
      ],
      exports: [OrdersService, WorkOrdersService, ORDER_INTAKE],
    };
    OrdersModule.registered.set(worker, module);
    return module;
  }
}
