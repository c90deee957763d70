import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CustomersModule } from '../customers/customers.module';
import { SupportDispatchProcessor } from './support-dispatch.processor';
import { SupportDispatcher } from './support-dispatcher';
import { SupportMaintenanceProcessor } from './support-maintenance.processor';
import { SupportRequest } from './support-request.entity';
import { SupportController } from './support.controller';
import { SupportService } from './support.service';

/** Technical support (一点技术支持). Exports its service: an inquiry converts into a support request through it. */
@Module({})
export class SupportModule {
  // The same object for every importer (the app and the inquiries), so Nest builds the module once.
  private static readonly registered = new Map<boolean, DynamicModule>();

  static register(worker: boolean): DynamicModule {
    const known = SupportModule.registered.get(worker);
    if (known) return known;
    const module: DynamicModule = {
      module: SupportModule,
      imports: [TypeOrmModule.forFeature([SupportRequest]), CustomersModule],
      controllers: [SupportController],
      providers: [SupportService, SupportDispatcher, ...(worker ? [SupportDispatchProcessor, SupportMaintenanceProcessor] : [])],
      exports: [SupportService],
    };
    SupportModule.registered.set(worker, module);
    return module;
  }
}
