import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProductsModule } from '../products/products.module';
import { AccountManagerTransfer } from './account-manager-transfer.entity';
import { Contact } from './contact.entity';
import { CustomerPartsController } from './customer-parts.controller';
import { CustomerFulfilmentService } from './customer-fulfilment.service';
import { CustomerPartsService } from './customer-parts.service';
import { Customer } from './customer.entity';
import { CustomersController } from './customers.controller';
import { CustomersService } from './customers.service';
import { ServiceInstance } from './service-instance.entity';
import { Site } from './site.entity';

@Module({
  imports: [TypeOrmModule.forFeature([Customer, Contact, Site, ServiceInstance, AccountManagerTransfer]), ProductsModule],
  controllers: [CustomersController, CustomerPartsController],
  providers: [CustomersService, CustomerPartsService, CustomerFulfilmentService],
  exports: [CustomersService, CustomerFulfilmentService],
})
export class CustomersModule {}
