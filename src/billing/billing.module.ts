import { DynamicModule, Module } from '@nestjs/common';
import { AccountsService } from './accounts.service';
import { ArrearsService } from './arrears.service';
import { BillIssuer } from './bill-issuer';
import { BillRunsController } from './bill-runs.controller';
import { BillRunsService } from './bill-runs.service';
import { BillingProcessor } from './billing.processor';
import { BillingReportsController } from './billing-reports.controller';
import { BillingService } from './billing.service';
import { BillsController } from './bills.controller';
import { ChargesController } from './charges.controller';
import { ChargesService } from './charges.service';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';
import { SettlementsService } from './settlements.service';

/**
 * Billing settlement (一点计费结算): charges, bill runs, payments, arrears,
 * settlement between regions. Static, so the console and order intake can
 * both import it for BillingService without a second copy.
 */
@Module({
  controllers: [ChargesController, BillRunsController, BillsController, PaymentsController, BillingReportsController],
  providers: [
    ChargesService,
    BillRunsService,
    BillIssuer,
    PaymentsService,
    AccountsService,
    ArrearsService,
    SettlementsService,
    BillingService,
  ],
  exports: [BillingService, ArrearsService, BillRunsService, BillIssuer],
})
export class BillingModule {}

/** The billing queue's processor, in worker processes only. */
@Module({})
export class BillingWorkersModule {
  static register(worker: boolean): DynamicModule {
    return { module: BillingWorkersModule, imports: [BillingModule], providers: worker ? [BillingProcessor] : [] };
  }
}
