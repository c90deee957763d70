import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { FaultDispatchProcessor } from './fault-dispatch.processor';
import { FaultDispatcher } from './fault-dispatcher';
import { FaultMaintenanceProcessor } from './fault-maintenance.processor';
import { Fault } from './fault.entity';
import { FaultsController } from './faults.controller';
import { FaultsService } from './faults.service';

/** Faults and complaints (一点故障申告). Exports its service: a satisfaction call-back's low score opens a complaint through it. */
@Module({})
export class FaultsModule {
  // The same object for every importer (the app and the call-backs), so Nest builds the module once.
  private static readonly registered = new Map<boolean, DynamicModule>();

  static register(worker: boolean): DynamicModule {
    const known = FaultsModule.registered.get(worker);
    if (known) return known;
    const module: DynamicModule = {
      module: FaultsModule,
      imports: [TypeOrmModule.forFeature([Fault]), CustomersModule],
      controllers: [FaultsController],
      providers: [FaultsService, FaultDispatcher, ...(worker ? [FaultDispatchProcessor, FaultMaintenanceProcessor] : [])],
      exports: [FaultsService],
    };
    FaultsModule.registered.set(worker, module);
    return module;
  }
}
