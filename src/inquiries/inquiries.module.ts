import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { OrdersModule } from '../orders/orders.module';
import { SupportModule } from '../support/support.module';
import { InquiriesController } from './inquiries.controller';
import { InquiriesService } from './inquiries.service';
import { Inquiry } from './inquiry.entity';

/**
 * Business inquiries (一点业务咨询). Converting into an order goes through the
 * ORDER_INTAKE port (src/cases/order-intake.ts), which the orders module
 * provides; this module knows only the port.
 */
@Module({})
export class InquiriesModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: InquiriesModule,
      imports: [TypeOrmModule.forFeature([Inquiry]), CustomersModule, SupportModule.register(worker), OrdersModule.register(worker)],
      controllers: [InquiriesController],
      providers: [InquiriesService],
      exports: [InquiriesService],
    };
  }
}
