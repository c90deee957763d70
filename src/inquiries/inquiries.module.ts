import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { SupportModule } from '../support/support.module';
import { InquiriesController } from './inquiries.controller';
import { InquiriesService } from './inquiries.service';
import { Inquiry } from './inquiry.entity';

/**
 * Business inquiries (一点业务咨询). Converting into an order uses the
 * ORDER_INTAKE port (src/cases/order-intake.ts): import the module that
 * provides it here once orders exist.
 */
@Module({})
export class InquiriesModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: InquiriesModule,
      imports: [TypeOrmModule.forFeature([Inquiry]), CustomersModule, SupportModule.register(worker)],
      controllers: [InquiriesController],
      providers: [InquiriesService],
      exports: [InquiriesService],
    };
  }
}
