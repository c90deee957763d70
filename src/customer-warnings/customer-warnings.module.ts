import { DynamicModule, Module } from '@nestjs/common';
import { CustomerWarningsController } from './customer-warnings.controller';
import { CustomerWarningsProcessor } from './customer-warnings.processor';
import { CustomerWarningsService } from './customer-warnings.service';

/**
 * Abnormal-customer warnings (异常客户预警, issue 14 point 5; docs/REPORTS.md,
 * "Customer warnings"): the evaluation, the warnings and their
 * acknowledgement. A reader like `reports`: its signals' SQL reads the case,
 * alert and billing tables; it writes only its own tables (and events,
 * audit rows). The console shows a customer's open warnings through
 * CustomerWarningsService.openOf.
 */
@Module({
  controllers: [CustomerWarningsController],
  providers: [CustomerWarningsService],
  exports: [CustomerWarningsService],
})
export class CustomerWarningsModule {}

/** The customer-warnings queue's processor (the 06:00 job, evaluations on request), in worker processes only. */
@Module({})
export class CustomerWarningsWorkersModule {
  static register(worker: boolean): DynamicModule {
    return {
      module: CustomerWarningsWorkersModule,
      imports: [CustomerWarningsModule],
      providers: worker ? [CustomerWarningsProcessor] : [],
    };
  }
}
