import { Module } from '@nestjs/common';
import { CustomersModule } from '../../customers/customers.module';
import { TmfHubModule } from '../hub/tmf-hub.module';
import { TmfCustomerController } from './tmf-customer.controller';
import { TmfCustomerEvents } from './tmf-customer-events';
import { TmfCustomerService } from './tmf-customer.service';

/** TMF629 Customer Management v4 over the customer record, with its hub events. */
@Module({
  imports: [CustomersModule, TmfHubModule],
  controllers: [TmfCustomerController],
  providers: [TmfCustomerService, TmfCustomerEvents],
})
export class TmfCustomerModule {}
