import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { FaultDispatchProcessor } from './fault-dispatch.processor';
import { FaultDispatcher } from './fault-dispatcher';
import { FaultMaintenanceProcessor } from './fault-maintenance.processor';
import { Fault } from './fault.entity';
import { FaultsController } from './faults.controller';
import { FaultsService } from './faults.service';

@Module({})
export class FaultsModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: FaultsModule,
      imports: [TypeOrmModule.forFeature([Fault]), CustomersModule],
      controllers: [FaultsController],
      providers: [FaultsService, FaultDispatcher, ...(worker ? [FaultDispatchProcessor, FaultMaintenanceProcessor] : [])],
      exports: [FaultsService],
    };
  }
}
