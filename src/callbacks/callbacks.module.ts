import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CLOSED_CASE_FOLLOW_UP } from '../cases/closed-case';
import { CustomersModule } from '../customers/customers.module';
import { FaultsModule } from '../faults/faults.module';
import { CallbackCreator } from './callback-creator';
import { Callback, CallbackAttempt } from './callback.entity';
import { CallbacksController } from './callbacks.controller';
import { CallbacksService } from './callbacks.service';

/**
 * Satisfaction call-backs (满意度回访, issue 14 point 4). Global for one
 * reason: it provides the case kernel's CLOSED_CASE_FOLLOW_UP port, which the
 * ticket workflow injects to create a call-back in a closing's transaction
 * without importing this module (as the console provides CUSTOMER_REFERENCES).
 */
@Module({})
export class CallbacksModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: CallbacksModule,
      global: true,
      imports: [TypeOrmModule.forFeature([Callback, CallbackAttempt]), CustomersModule, FaultsModule.register(worker)],
      controllers: [CallbacksController],
      providers: [CallbacksService, CallbackCreator, { provide: CLOSED_CASE_FOLLOW_UP, useExisting: CallbackCreator }],
      exports: [CLOSED_CASE_FOLLOW_UP],
    };
  }
}
